// Parsing and writing a=candidate values (RFC 8839 section 5.1).
#include "protocols/sdp/ice_candidate.hpp"

#include "protocols/sdp/grammar.hpp"

namespace wrtc::sdp {

namespace {

constexpr std::size_t max_foundation_length = 32;
constexpr std::size_t max_extension_length = 256;

}  // namespace

bool ice_candidate::is_udp() const {
  return grammar::iequals(transport, "udp");
}

std::string ice_candidate::to_string() const {
  std::string out;
  out.reserve(128);
  out += foundation;
  out += ' ';
  out += std::to_string(component);
  out += ' ';
  out += transport;
  out += ' ';
  out += std::to_string(priority);
  out += ' ';
  out += address;
  out += ' ';
  out += std::to_string(port);
  out += " typ ";
  out += type;
  if (!related_address.empty()) {
    out += " raddr ";
    out += related_address;
  }
  if (related_port) {
    out += " rport ";
    out += std::to_string(*related_port);
  }
  if (!tcp_type.empty()) {
    out += " tcptype ";
    out += tcp_type;
  }
  if (generation) {
    out += " generation ";
    out += std::to_string(*generation);
  }
  for (const auto& [name, value] : extensions) {
    out += ' ';
    out += name;
    out += ' ';
    out += value;
  }
  return out;
}

std::optional<ice_candidate> parse_candidate(std::string_view text, std::string& error) {
  if (text.starts_with("a=")) {
    text.remove_prefix(2);
  }
  if (text.starts_with("candidate:")) {
    text.remove_prefix(10);
  }
  auto fields = grammar::split_fields(text);
  if (fields.size() < 8) {
    error = "candidate: too few fields";
    return std::nullopt;
  }
  ice_candidate c;
  if (!grammar::is_ice_chars(fields[0]) || fields[0].size() > max_foundation_length) {
    error = "candidate: bad foundation";
    return std::nullopt;
  }
  c.foundation = fields[0];
  if (!grammar::parse_number_as(fields[1], 256, c.component) || c.component == 0) {
    error = "candidate: bad component";
    return std::nullopt;
  }
  if (!grammar::is_token(fields[2]) || fields[2].size() > 16) {
    error = "candidate: bad transport";
    return std::nullopt;
  }
  c.transport = fields[2];
  if (!grammar::parse_number_as(fields[3], UINT32_MAX, c.priority)) {
    error = "candidate: bad priority";
    return std::nullopt;
  }
  if (!grammar::is_host(fields[4])) {
    error = "candidate: bad address";
    return std::nullopt;
  }
  c.address = fields[4];
  if (!grammar::parse_number_as(fields[5], UINT16_MAX, c.port)) {
    error = "candidate: bad port";
    return std::nullopt;
  }
  if (fields[6] != "typ") {
    error = "candidate: missing typ";
    return std::nullopt;
  }
  if (!grammar::is_token(fields[7]) || fields[7].size() > 16) {
    error = "candidate: bad type";
    return std::nullopt;
  }
  c.type = fields[7];
  std::size_t rest = fields.size() - 8;
  if (rest % 2 != 0) {
    error = "candidate: extension without value";
    return std::nullopt;
  }
  for (std::size_t i = 8; i < fields.size(); i += 2) {
    std::string_view name = fields[i];
    std::string_view value = fields[i + 1];
    if (name == "raddr") {
      if (!c.related_address.empty() || !grammar::is_host(value)) {
        error = "candidate: bad raddr";
        return std::nullopt;
      }
      c.related_address = value;
    } else if (name == "rport") {
      uint16_t port = 0;
      if (c.related_port || !grammar::parse_number_as(value, UINT16_MAX, port)) {
        error = "candidate: bad rport";
        return std::nullopt;
      }
      c.related_port = port;
    } else if (name == "tcptype") {
      if (!c.tcp_type.empty() || !grammar::is_token(value) || value.size() > 16) {
        error = "candidate: bad tcptype";
        return std::nullopt;
      }
      c.tcp_type = value;
    } else if (name == "generation") {
      uint32_t generation = 0;
      if (c.generation || !grammar::parse_number_as(value, UINT32_MAX, generation)) {
        error = "candidate: bad generation";
        return std::nullopt;
      }
      c.generation = generation;
    } else {
      if (c.extensions.size() == max_candidate_extensions) {
        error = "candidate: too many extensions";
        return std::nullopt;
      }
      if (!grammar::is_field(name) || name.size() > max_extension_length ||
          !grammar::is_field(value) || value.size() > max_extension_length) {
        error = "candidate: bad extension";
        return std::nullopt;
      }
      c.extensions.emplace_back(std::string(name), std::string(value));
    }
  }
  return c;
}

}  // namespace wrtc::sdp
