// Splitting and percent-decoding of request targets and query strings.
#include "protocols/http/request_target.hpp"

namespace wrtc::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<unsigned char>(a[i]);
    auto y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<unsigned char>(x - 'A' + 'a');
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<unsigned char>(y - 'A' + 'a');
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

// Strict mode refuses what a lenient decoder would pass through, because a path that decodes
// ambiguously could route differently in two places.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space, bool strict) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      int hi = i + 2 < in.size() ? hex_value(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        if (strict) {
          return false;
        }
        out.push_back(c);
        continue;
      }
      char decoded = static_cast<char>(hi * 16 + lo);
      if (strict && decoded == '\0') {
        return false;
      }
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

}  // namespace

bool split_request_target(std::string_view target, std::string& path, std::string& query) {
  if (target == "*") {
    path = "*";
    query.clear();
    return true;
  }
  std::string_view rest = target;
  if (rest.empty()) {
    return false;
  }
  if (rest.front() != '/') {
    // Absolute-form is what proxies send; authority-form (CONNECT) has no place here.
    auto scheme_end = rest.find("://");
    if (scheme_end == std::string_view::npos) {
      return false;
    }
    auto scheme = rest.substr(0, scheme_end);
    if (!iequals_ascii(scheme, "http") && !iequals_ascii(scheme, "https")) {
      return false;
    }
    rest.remove_prefix(scheme_end + 3);
    auto authority_end = rest.find_first_of("/?#");
    if (authority_end == 0) {
      return false;
    }
    rest =
        authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  }
  // A fragment is never meant for the server.
  if (auto hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  std::string_view raw_path = rest;
  std::string_view raw_query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    raw_path = rest.substr(0, q);
    raw_query = rest.substr(q + 1);
  }
  if (raw_path.empty()) {
    path = "/";
  } else if (!percent_decode(raw_path, path, false, true)) {
    return false;
  }
  query.assign(raw_query);
  return true;
}

std::string decode_query_component(std::string_view in) {
  std::string out;
  percent_decode(in, out, true, false);
  return out;
}

std::string_view find_query_value(std::string_view query, std::string_view name, bool& found) {
  found = false;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    auto eq = pair.find('=');
    auto raw_name = pair.substr(0, eq);
    auto raw_value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    // Decoding every name costs nothing for the few parameters a signalling URL carries.
    bool plain = raw_name.find_first_of("%+") == std::string_view::npos;
    if (plain ? raw_name == name : decode_query_component(raw_name) == name) {
      found = true;
      return raw_value;
    }
  }
  return {};
}

}  // namespace wrtc::http
