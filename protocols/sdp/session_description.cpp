// Parsing and writing whole SDP session descriptions.
#include "protocols/sdp/session_description.hpp"

#include <algorithm>

#include "protocols/sdp/grammar.hpp"

namespace wrtc::sdp {

namespace {

constexpr std::size_t max_address_length = 255;

// proto = token *("/" token)
bool is_proto(std::string_view text) {
  if (text.empty() || text.size() > 64) {
    return false;
  }
  std::size_t start = 0;
  while (true) {
    auto slash = text.find('/', start);
    if (!grammar::is_token(text.substr(start, slash - start))) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    start = slash + 1;
  }
}

bool read_connection(std::string_view value, connection_data& out) {
  auto f = grammar::split_fields(value);
  if (f.size() != 3 || !grammar::is_token(f[0]) || !grammar::is_token(f[1]) ||
      !grammar::is_field(f[2]) || f[2].size() > max_address_length) {
    return false;
  }
  out = connection_data{std::string(f[0]), std::string(f[1]), std::string(f[2])};
  return true;
}

bool read_origin(std::string_view value, origin_line& out) {
  auto f = grammar::split_fields(value);
  if (f.size() != 6 || !grammar::is_field(f[0]) || f[0].size() > max_address_length) {
    return false;
  }
  if (!grammar::parse_number(f[1], UINT64_MAX, out.session_id) ||
      !grammar::parse_number(f[2], UINT64_MAX, out.session_version)) {
    return false;
  }
  if (!grammar::is_token(f[3]) || !grammar::is_token(f[4]) || !grammar::is_field(f[5]) ||
      f[5].size() > max_address_length) {
    return false;
  }
  out.username = f[0];
  out.nettype = f[3];
  out.addrtype = f[4];
  out.address = f[5];
  return true;
}

bool read_bandwidth(std::string_view value, bandwidth& out) {
  std::string_view type;
  std::string_view number;
  bool found = false;
  grammar::split_once(value, ':', type, number, found);
  if (!found || !grammar::is_token(type)) {
    return false;
  }
  out.type = type;
  return grammar::parse_number(number, UINT32_MAX, out.value);
}

bool read_timing(std::string_view value, timing& out) {
  auto f = grammar::split_fields(value);
  return f.size() == 2 && grammar::parse_number(f[0], UINT64_MAX, out.start) &&
         grammar::parse_number(f[1], UINT64_MAX, out.stop);
}

bool read_m_line(std::string_view value, media_description& out) {
  auto f = grammar::split_fields(value);
  if (f.size() < 4 || !grammar::is_token(f[0]) || f[0].size() > 32) {
    return false;
  }
  out.media = f[0];
  std::string_view port;
  std::string_view count;
  bool has_count = false;
  grammar::split_once(f[1], '/', port, count, has_count);
  if (!grammar::parse_number_as(port, UINT16_MAX, out.port)) {
    return false;
  }
  if (has_count) {
    uint16_t n = 0;
    if (!grammar::parse_number_as(count, UINT16_MAX, n) || n == 0) {
      return false;
    }
    out.port_count = n;
  }
  if (!is_proto(f[2])) {
    return false;
  }
  out.proto = f[2];
  bool rtp = out.is_rtp();
  for (std::size_t i = 3; i < f.size(); ++i) {
    uint8_t pt = 0;
    if (rtp ? !grammar::parse_number_as(f[i], 127, pt)
            : (!grammar::is_token(f[i]) || f[i].size() > 64)) {
      return false;
    }
    out.formats.emplace_back(f[i]);
  }
  return true;
}

// Checks one line's bytes: no control characters (the line end is already cut off), no NUL,
// only well-formed UTF-8.
const char* check_characters(std::string_view line) {
  for (std::size_t i = 0; i < line.size();) {
    auto c = static_cast<unsigned char>(line[i]);
    if (c < 0x20 || c == 0x7f) {
      return c == 0 ? "NUL byte" : "control character";
    }
    auto n = grammar::utf8_sequence_length(line.substr(i));
    if (n == 0) {
      return "invalid UTF-8";
    }
    i += n;
  }
  return nullptr;
}

void write_line(std::string& out, char type, std::string_view value) {
  out += type;
  out += '=';
  out += value;
  out += "\r\n";
}

void write_connection(std::string& out, const connection_data& c) {
  write_line(out, 'c', c.nettype + ' ' + c.addrtype + ' ' + c.address);
}

void write_bandwidths(std::string& out, const std::vector<bandwidth>& bandwidths) {
  for (const auto& b : bandwidths) {
    write_line(out, 'b', b.type + ':' + std::to_string(b.value));
  }
}

// Reads line after line, tracking where in the description it is.
class reader {
 public:
  explicit reader(std::string& error) : error_(error) { result_.timings.clear(); }

  bool read_line(char type, std::string_view value) {
    ++lines_;
    if (lines_ == 1) {
      if (type != 'v' || value != "0") {
        return fail("first line is not v=0");
      }
      return true;
    }
    if (lines_ == 2) {
      if (type != 'o') {
        return fail("second line is not o=");
      }
      if (!read_origin(value, result_.origin)) {
        return fail("bad o= line");
      }
      return true;
    }
    if (type == 'm') {
      return read_m(value);
    }
    return result_.media.empty() ? read_session_line(type, value) : read_media_line(type, value);
  }

  std::optional<session_description> finish() {
    if (lines_ == 0) {
      return fail_finish("empty description");
    }
    if (lines_ == 1) {
      return fail_finish("no o= line");
    }
    if (!has_name_) {
      return fail_finish("no s= line");
    }
    if (result_.timings.empty()) {
      return fail_finish("no t= line");
    }
    if (result_.media.empty()) {
      return fail_finish("no m= line");
    }
    return std::move(result_);
  }

  void set_line_number(std::size_t n) { line_number_ = n; }

 private:
  bool read_m(std::string_view value) {
    if (result_.media.size() == max_media_sections) {
      return fail("more than " + std::to_string(max_media_sections) + " m= lines");
    }
    media_description m;
    if (!read_m_line(value, m)) {
      return fail("bad m= line");
    }
    result_.media.push_back(std::move(m));
    return true;
  }

  bool read_session_line(char type, std::string_view value) {
    auto& s = result_;
    switch (type) {
      case 'v':
        return fail("repeated v=");
      case 'o':
        return fail("repeated o=");
      case 's':
        if (has_name_) {
          return fail("repeated s=");
        }
        has_name_ = true;
        s.session_name = value;
        return true;
      case 'i':
        return once(s.info, value, "repeated i=");
      case 'u':
        return once(s.uri, value, "repeated u=");
      case 'e':
        s.emails.emplace_back(value);
        return true;
      case 'p':
        s.phones.emplace_back(value);
        return true;
      case 'c':
        return read_c_line(s.connection, value);
      case 'b':
        return read_b_line(s.bandwidths, value);
      case 't': {
        timing t;
        if (!read_timing(value, t)) {
          return fail("bad t= line");
        }
        s.timings.push_back(std::move(t));
        return true;
      }
      case 'r':
        if (s.timings.empty()) {
          return fail("r= before t=");
        }
        if (value.empty()) {
          return fail("bad r= line");
        }
        s.timings.back().repeats.emplace_back(value);
        return true;
      case 'z':
        return once(s.time_zones, value, "repeated z=");
      case 'k':
        return once(s.key, value, "repeated k=");
      case 'a':
        return read_attribute(s.attributes, value, false);
      default:
        return fail(known(type) ? "line type not allowed here" : "unknown line type");
    }
  }

  // c= and b= read the same at session and media level.
  bool read_c_line(std::optional<connection_data>& connection, std::string_view value) {
    if (connection) {
      return fail("repeated c=");
    }
    connection.emplace();
    if (!read_connection(value, *connection)) {
      return fail("bad c= line");
    }
    return true;
  }

  bool read_b_line(std::vector<bandwidth>& bandwidths, std::string_view value) {
    bandwidth b;
    if (!read_bandwidth(value, b)) {
      return fail("bad b= line");
    }
    bandwidths.push_back(std::move(b));
    return true;
  }

  bool read_media_line(char type, std::string_view value) {
    auto& m = result_.media.back();
    switch (type) {
      case 'i':
        return once(m.title, value, "repeated i=");
      case 'c':
        return read_c_line(m.connection, value);
      case 'b':
        return read_b_line(m.bandwidths, value);
      case 'k':
        return once(m.key, value, "repeated k=");
      case 'a':
        return read_attribute(m.attributes, value, m.is_rtp());
      default:
        return fail(known(type) ? "line type not allowed in a media section" : "unknown line type");
    }
  }

  bool read_attribute(attribute_set& set, std::string_view value, bool rtp) {
    std::string reason;
    if (!set.read(value, rtp, reason)) {
      return fail(reason);
    }
    return true;
  }

  bool once(std::optional<std::string>& field, std::string_view value, const char* repeated) {
    if (field) {
      return fail(repeated);
    }
    field = value;
    return true;
  }

  static bool known(char type) {
    return std::string_view("vosiuepcbtrzkam").find(type) != std::string_view::npos;
  }

  bool fail(const std::string& reason) {
    error_ = "line " + std::to_string(line_number_) + ": " + reason;
    return false;
  }

  std::optional<session_description> fail_finish(const char* reason) {
    error_ = reason;
    return std::nullopt;
  }

  // Passed by argument.
  std::string& error_;
  // Built by this.
  session_description result_;
  std::size_t lines_ = 0;
  std::size_t line_number_ = 0;
  bool has_name_ = false;
};

}  // namespace

const connection_data* session_description::connection_for(const media_description& m) const {
  if (m.connection) {
    return &*m.connection;
  }
  return connection ? &*connection : nullptr;
}

const media_description* session_description::find_mid(std::string_view mid) const {
  auto i = std::find_if(media.begin(), media.end(),
                        [&](const media_description& m) { return m.attributes.mid == mid; });
  return i == media.end() ? nullptr : &*i;
}

std::string session_description::to_string() const {
  std::string out;
  out.reserve(1024 + media.size() * 1024);
  write_line(out, 'v', "0");
  write_line(out, 'o',
             origin.username + ' ' + std::to_string(origin.session_id) + ' ' +
                 std::to_string(origin.session_version) + ' ' + origin.nettype + ' ' +
                 origin.addrtype + ' ' + origin.address);
  write_line(out, 's', session_name);
  if (info) {
    write_line(out, 'i', *info);
  }
  if (uri) {
    write_line(out, 'u', *uri);
  }
  for (const auto& e : emails) {
    write_line(out, 'e', e);
  }
  for (const auto& p : phones) {
    write_line(out, 'p', p);
  }
  if (connection) {
    write_connection(out, *connection);
  }
  write_bandwidths(out, bandwidths);
  for (const auto& t : timings) {
    write_line(out, 't', std::to_string(t.start) + ' ' + std::to_string(t.stop));
    for (const auto& r : t.repeats) {
      write_line(out, 'r', r);
    }
  }
  if (time_zones) {
    write_line(out, 'z', *time_zones);
  }
  if (key) {
    write_line(out, 'k', *key);
  }
  attributes.write(out);
  for (const auto& m : media) {
    std::string value = m.media + ' ' + std::to_string(m.port);
    if (m.port_count) {
      value += '/' + std::to_string(*m.port_count);
    }
    value += ' ';
    value += m.proto;
    for (const auto& f : m.formats) {
      value += ' ';
      value += f;
    }
    write_line(out, 'm', value);
    if (m.title) {
      write_line(out, 'i', *m.title);
    }
    if (m.connection) {
      write_connection(out, *m.connection);
    }
    write_bandwidths(out, m.bandwidths);
    if (m.key) {
      write_line(out, 'k', *m.key);
    }
    m.attributes.write(out);
  }
  return out;
}

std::optional<session_description> parse(std::string_view text, std::string& error) {
  if (text.size() > max_sdp_bytes) {
    error = "SDP larger than " + std::to_string(max_sdp_bytes) + " bytes";
    return std::nullopt;
  }
  auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  if (!text.empty() && text.back() != '\n') {
    ++lines;
  }
  if (lines > max_sdp_lines) {
    error = "SDP longer than " + std::to_string(max_sdp_lines) + " lines";
    return std::nullopt;
  }
  reader r(error);
  std::size_t number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    r.set_line_number(number);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.size() > max_line_bytes) {
      error = "line " + std::to_string(number) + ": longer than " + std::to_string(max_line_bytes) +
              " bytes";
      return std::nullopt;
    }
    if (const char* bad = check_characters(line)) {
      error = "line " + std::to_string(number) + ": " + bad;
      return std::nullopt;
    }
    if (line.empty()) {
      continue;
    }
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
      error = "line " + std::to_string(number) + ": not <type>=<value>";
      return std::nullopt;
    }
    if (!r.read_line(line[0], line.substr(2))) {
      return std::nullopt;
    }
  }
  return r.finish();
}

}  // namespace wrtc::sdp
