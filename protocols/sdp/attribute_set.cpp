// Reading and writing the a= lines of one level.
#include "protocols/sdp/attribute_set.hpp"

#include <algorithm>

#include "protocols/sdp/grammar.hpp"

namespace wrtc::sdp {

namespace {

constexpr std::size_t max_mid_length = 64;
constexpr std::size_t max_ice_credential_length = 256;
constexpr std::size_t max_fingerprints = 8;
constexpr uint64_t max_ptime_ms = 65535;
constexpr uint64_t max_payload_type = 127;

bool fail(std::string& error, std::string reason) {
  error = std::move(reason);
  return false;
}

std::optional<media_direction> direction_named(std::string_view name) {
  if (name == "sendrecv") {
    return media_direction::sendrecv;
  }
  if (name == "sendonly") {
    return media_direction::sendonly;
  }
  if (name == "recvonly") {
    return media_direction::recvonly;
  }
  if (name == "inactive") {
    return media_direction::inactive;
  }
  return std::nullopt;
}

std::optional<setup_role> setup_named(std::string_view name) {
  for (auto role :
       {setup_role::actpass, setup_role::active, setup_role::passive, setup_role::holdconn}) {
    if (grammar::iequals(name, to_string(role))) {
      return role;
    }
  }
  return std::nullopt;
}

bool read_connection(const std::vector<std::string_view>& f, std::size_t at, connection_data& out) {
  if (f.size() != at + 3) {
    return false;
  }
  if (!grammar::is_token(f[at]) || !grammar::is_token(f[at + 1]) || !grammar::is_field(f[at + 2])) {
    return false;
  }
  out.nettype = f[at];
  out.addrtype = f[at + 1];
  out.address = f[at + 2];
  return true;
}

bool read_rtpmap(std::string_view v, rtpmap& out) {
  auto f = grammar::split_fields(v);
  if (f.size() != 2) {
    return false;
  }
  if (!grammar::parse_number_as(f[0], max_payload_type, out.payload_type)) {
    return false;
  }
  std::string_view encoding;
  std::string_view rest;
  bool found = false;
  grammar::split_once(f[1], '/', encoding, rest, found);
  if (!found || !grammar::is_token(encoding)) {
    return false;
  }
  std::string_view clock;
  std::string_view channels;
  grammar::split_once(rest, '/', clock, channels, found);
  if (!grammar::parse_number_as(clock, UINT32_MAX, out.clock_rate) || out.clock_rate == 0) {
    return false;
  }
  if (found) {
    uint16_t n = 0;
    if (!grammar::parse_number_as(channels, 255, n) || n == 0) {
      return false;
    }
    out.channels = n;
  }
  out.encoding = encoding;
  return true;
}

bool read_fmtp(std::string_view v, fmtp& out) {
  std::string_view format;
  std::string_view parameters;
  bool found = false;
  grammar::split_once(v, ' ', format, parameters, found);
  if (!grammar::parse_number_as(format, max_payload_type, out.payload_type)) {
    return false;
  }
  while (!parameters.empty() && parameters.front() == ' ') {
    parameters.remove_prefix(1);
  }
  out.parameters = parameters;
  return true;
}

bool read_ssrc(std::string_view v) {
  auto space = v.find(' ');
  uint32_t ssrc = 0;
  return space != std::string_view::npos && space + 1 < v.size() &&
         grammar::parse_number_as(v.substr(0, space), UINT32_MAX, ssrc);
}

bool read_ssrc_group(std::string_view v) {
  auto f = grammar::split_fields(v);
  if (f.empty() || !grammar::is_token(f[0])) {
    return false;
  }
  uint32_t ssrc = 0;
  return std::all_of(f.begin() + 1, f.end(), [&](std::string_view s) {
    return grammar::parse_number_as(s, UINT32_MAX, ssrc);
  });
}

void line(std::string& out, std::string_view name) {
  out += "a=";
  out += name;
  out += "\r\n";
}

void line(std::string& out, std::string_view name, std::string_view value) {
  out += "a=";
  out += name;
  out += ':';
  out += value;
  out += "\r\n";
}

void write_fmtp(std::string& out, const fmtp& f) {
  std::string value = std::to_string(f.payload_type);
  if (!f.parameters.empty()) {
    value += ' ';
    value += f.parameters;
  }
  line(out, "fmtp", value);
}

}  // namespace

// -- lookups ----------------------------------------------------------------------

const rtpmap* attribute_set::find_rtpmap(uint8_t payload_type) const {
  auto i = std::find_if(rtpmaps.begin(), rtpmaps.end(),
                        [&](const rtpmap& r) { return r.payload_type == payload_type; });
  return i == rtpmaps.end() ? nullptr : &*i;
}

const fmtp* attribute_set::find_fmtp(uint8_t payload_type) const {
  auto i = std::find_if(fmtps.begin(), fmtps.end(),
                        [&](const fmtp& f) { return f.payload_type == payload_type; });
  return i == fmtps.end() ? nullptr : &*i;
}

const group* attribute_set::find_group(std::string_view semantics, std::string_view mid) const {
  for (const auto& g : groups) {
    if (grammar::iequals(g.semantics, semantics) &&
        std::find(g.mids.begin(), g.mids.end(), mid) != g.mids.end()) {
      return &g;
    }
  }
  return nullptr;
}

bool attribute_set::has_other(std::string_view name) const {
  return std::any_of(others.begin(), others.end(),
                     [&](const attribute& a) { return a.name == name; });
}

// -- reading ----------------------------------------------------------------------

bool attribute_set::read(std::string_view text, bool rtp_formats, std::string& error) {
  std::string_view name;
  std::string_view value;
  bool has_value = false;
  grammar::split_once(text, ':', name, value, has_value);
  if (!grammar::is_token(name)) {
    return fail(error, "bad attribute name");
  }

  auto flag = [&](bool& field) {
    if (has_value) {
      return fail(error, "a=" + std::string(name) + " takes no value");
    }
    field = true;
    return true;
  };
  auto needs_value = [&] {
    if (!has_value || value.empty()) {
      return fail(error, "a=" + std::string(name) + " needs a value");
    }
    return true;
  };
  auto once = [&](bool present) {
    if (present) {
      return fail(error, "repeated a=" + std::string(name));
    }
    return true;
  };

  if (name == "mid") {
    if (!needs_value() || !once(mid.has_value())) {
      return false;
    }
    if (!grammar::is_token(value) || value.size() > max_mid_length) {
      return fail(error, "bad a=mid");
    }
    mid = value;
    return true;
  }
  if (name == "group") {
    if (!needs_value()) {
      return false;
    }
    auto f = grammar::split_fields(value);
    if (f.empty() || !std::all_of(f.begin(), f.end(), [](std::string_view s) {
          return grammar::is_token(s) && s.size() <= max_mid_length;
        })) {
      return fail(error, "bad a=group");
    }
    groups.push_back(group{std::string(f[0]), {f.begin() + 1, f.end()}});
    return true;
  }
  if (name == "ice-ufrag" || name == "ice-pwd") {
    auto& field = name == "ice-ufrag" ? ice_ufrag : ice_pwd;
    if (!needs_value() || !once(field.has_value())) {
      return false;
    }
    if (!grammar::is_ice_chars(value) || value.size() > max_ice_credential_length) {
      return fail(error, "bad a=" + std::string(name));
    }
    field = value;
    return true;
  }
  if (name == "ice-options") {
    if (!needs_value() || !once(!ice_options.empty())) {
      return false;
    }
    auto f = grammar::split_fields(value);
    if (f.empty() || !std::all_of(f.begin(), f.end(), grammar::is_token)) {
      return fail(error, "bad a=ice-options");
    }
    ice_options.assign(f.begin(), f.end());
    return true;
  }
  if (name == "ice-lite") {
    return flag(ice_lite);
  }
  if (name == "candidate") {
    if (!needs_value()) {
      return false;
    }
    if (candidates.size() == max_candidates) {
      return fail(error, "more than " + std::to_string(max_candidates) + " candidates");
    }
    auto c = parse_candidate(value, error);
    if (!c) {
      return false;
    }
    candidates.push_back(std::move(*c));
    return true;
  }
  if (name == "end-of-candidates") {
    return flag(end_of_candidates);
  }
  if (name == "fingerprint") {
    if (!needs_value()) {
      return false;
    }
    if (fingerprints.size() == max_fingerprints) {
      return fail(error, "too many a=fingerprint");
    }
    auto f = grammar::split_fields(value);
    if (f.size() != 2 || !grammar::is_token(f[0]) || f[0].size() > 16 ||
        grammar::fingerprint_bytes(f[1]) == 0) {
      return fail(error, "bad a=fingerprint");
    }
    fingerprints.push_back(fingerprint{std::string(f[0]), std::string(f[1])});
    return true;
  }
  if (name == "setup") {
    if (!needs_value() || !once(setup.has_value())) {
      return false;
    }
    setup = setup_named(value);
    if (!setup) {
      return fail(error, "bad a=setup");
    }
    return true;
  }
  if (auto d = direction_named(name)) {
    if (has_value) {
      return fail(error, "a=" + std::string(name) + " takes no value");
    }
    if (direction) {
      return fail(error, "more than one direction attribute");
    }
    direction = d;
    return true;
  }
  if (rtp_formats && name == "rtpmap") {
    rtpmap r;
    if (!needs_value()) {
      return false;
    }
    if (!read_rtpmap(value, r)) {
      return fail(error, "bad a=rtpmap");
    }
    if (find_rtpmap(r.payload_type) != nullptr) {
      return fail(error, "repeated a=rtpmap");
    }
    rtpmaps.push_back(std::move(r));
    return true;
  }
  if (rtp_formats && name == "fmtp") {
    fmtp f;
    if (!needs_value()) {
      return false;
    }
    if (!read_fmtp(value, f)) {
      return fail(error, "bad a=fmtp");
    }
    if (find_fmtp(f.payload_type) != nullptr) {
      return fail(error, "repeated a=fmtp");
    }
    fmtps.push_back(std::move(f));
    return true;
  }
  if (name == "ptime" || name == "maxptime") {
    auto& field = name == "ptime" ? ptime : maxptime;
    uint32_t ms = 0;
    if (!needs_value() || !once(field.has_value())) {
      return false;
    }
    if (!grammar::parse_number_as(value, max_ptime_ms, ms) || ms == 0) {
      return fail(error, "bad a=" + std::string(name));
    }
    field = ms;
    return true;
  }
  if (name == "rtcp") {
    if (!needs_value() || !once(rtcp.has_value())) {
      return false;
    }
    auto f = grammar::split_fields(value);
    rtcp_address r;
    if (f.empty() || !grammar::parse_number_as(f[0], UINT16_MAX, r.port)) {
      return fail(error, "bad a=rtcp");
    }
    if (f.size() > 1) {
      connection_data c;
      if (!read_connection(f, 1, c)) {
        return fail(error, "bad a=rtcp");
      }
      r.connection = std::move(c);
    }
    rtcp = std::move(r);
    return true;
  }
  if (name == "rtcp-mux") {
    return flag(rtcp_mux);
  }
  if (name == "rtcp-rsize") {
    return flag(rtcp_rsize);
  }
  if (name == "extmap" || name == "msid") {
    if (!needs_value()) {
      return false;
    }
    (name == "extmap" ? extmaps : msids).emplace_back(value);
    return true;
  }
  if (name == "ssrc") {
    if (!needs_value()) {
      return false;
    }
    if (!read_ssrc(value)) {
      return fail(error, "bad a=ssrc");
    }
    ssrcs.emplace_back(value);
    return true;
  }
  if (name == "ssrc-group") {
    if (!needs_value()) {
      return false;
    }
    if (!read_ssrc_group(value)) {
      return fail(error, "bad a=ssrc-group");
    }
    ssrc_groups.emplace_back(value);
    return true;
  }
  others.push_back(
      attribute{std::string(name), has_value ? std::optional<std::string>(value) : std::nullopt});
  return true;
}

// -- writing ----------------------------------------------------------------------

void attribute_set::write(std::string& out) const {
  for (const auto& g : groups) {
    std::string value = g.semantics;
    for (const auto& m : g.mids) {
      value += ' ';
      value += m;
    }
    line(out, "group", value);
  }
  if (ice_lite) {
    line(out, "ice-lite");
  }
  if (rtcp) {
    std::string value = std::to_string(rtcp->port);
    if (rtcp->connection) {
      value += ' ' + rtcp->connection->nettype + ' ' + rtcp->connection->addrtype + ' ' +
               rtcp->connection->address;
    }
    line(out, "rtcp", value);
  }
  if (ice_ufrag) {
    line(out, "ice-ufrag", *ice_ufrag);
  }
  if (ice_pwd) {
    line(out, "ice-pwd", *ice_pwd);
  }
  if (!ice_options.empty()) {
    std::string value;
    for (const auto& o : ice_options) {
      if (!value.empty()) {
        value += ' ';
      }
      value += o;
    }
    line(out, "ice-options", value);
  }
  for (const auto& f : fingerprints) {
    line(out, "fingerprint", f.algorithm + ' ' + f.value);
  }
  if (setup) {
    line(out, "setup", to_string(*setup));
  }
  if (mid) {
    line(out, "mid", *mid);
  }
  for (const auto& e : extmaps) {
    line(out, "extmap", e);
  }
  if (direction) {
    line(out, to_string(*direction));
  }
  for (const auto& m : msids) {
    line(out, "msid", m);
  }
  if (rtcp_mux) {
    line(out, "rtcp-mux");
  }
  if (rtcp_rsize) {
    line(out, "rtcp-rsize");
  }
  for (const auto& r : rtpmaps) {
    std::string value =
        std::to_string(r.payload_type) + ' ' + r.encoding + '/' + std::to_string(r.clock_rate);
    if (r.channels) {
      value += '/' + std::to_string(*r.channels);
    }
    line(out, "rtpmap", value);
  }
  // After every rtpmap rather than beside its own: rtpmaps and fmtps may come in different
  // orders, and each list must read back as written.
  for (const auto& f : fmtps) {
    write_fmtp(out, f);
  }
  if (ptime) {
    line(out, "ptime", std::to_string(*ptime));
  }
  if (maxptime) {
    line(out, "maxptime", std::to_string(*maxptime));
  }
  for (const auto& g : ssrc_groups) {
    line(out, "ssrc-group", g);
  }
  for (const auto& s : ssrcs) {
    line(out, "ssrc", s);
  }
  for (const auto& c : candidates) {
    line(out, "candidate", c.to_string());
  }
  if (end_of_candidates) {
    line(out, "end-of-candidates");
  }
  for (const auto& a : others) {
    if (a.value) {
      line(out, a.name, *a.value);
    } else {
      line(out, a.name);
    }
  }
}

}  // namespace wrtc::sdp
