// The outbound proxy setting (gateway.voice-sip-proxy), checked and turned into a SIP URI.
#include "protocols/sip/sip_proxy_address.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace wrtc::sip {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_host_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
}

bool is_ipv6_char(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
}

}  // namespace

std::string sip_proxy_address::uri() const {
  std::string result = "sip:" + uri_host(host) + ":" + std::to_string(port);
  if (tcp) {
    result += ";transport=tcp";
  }
  return result;
}

std::string uri_host(std::string_view host) {
  if (host.find(':') != std::string_view::npos) {
    return "[" + std::string(host) + "]";
  }
  return std::string(host);
}

bool parse_proxy_address(std::string_view text, sip_proxy_address& out, std::string& error) {
  sip_proxy_address parsed;
  std::string_view rest = text;
  if (rest.size() >= 4 && equals_ignoring_case(rest.substr(0, 4), "sip:")) {
    rest.remove_prefix(4);
  }

  auto params_at = rest.find(';');
  std::string_view host_port = rest.substr(0, params_at);
  std::string_view params =
      params_at == std::string_view::npos ? std::string_view{} : rest.substr(params_at + 1);

  std::string_view host;
  std::string_view port;
  if (!host_port.empty() && host_port.front() == '[') {
    auto close = host_port.find(']');
    if (close == std::string_view::npos) {
      error = "proxy: unterminated IPv6 address";
      return false;
    }
    host = host_port.substr(1, close - 1);
    std::string_view after = host_port.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        error = "proxy: unexpected text after IPv6 address";
        return false;
      }
      port = after.substr(1);
      if (port.empty()) {
        error = "proxy: empty port";
        return false;
      }
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), is_ipv6_char)) {
      error = "proxy: bad IPv6 address";
      return false;
    }
  } else {
    auto colon = host_port.rfind(':');
    host = host_port.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = host_port.substr(colon + 1);
      if (port.empty()) {
        error = "proxy: empty port";
        return false;
      }
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), is_host_name_char)) {
      error = "proxy: missing or bad host in \"" + std::string(text) + "\"";
      return false;
    }
  }

  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      error = "proxy: bad port \"" + std::string(port) + "\"";
      return false;
    }
    parsed.port = static_cast<uint16_t>(value);
  }

  while (!params.empty()) {
    auto next = params.find(';');
    std::string_view param = params.substr(0, next);
    params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
    if (param.empty() || equals_ignoring_case(param, "lr")) {
      continue;
    }
    auto eq = param.find('=');
    std::string_view name = param.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
    if (!equals_ignoring_case(name, "transport")) {
      error = "proxy: unsupported parameter \"" + std::string(param) + "\"";
      return false;
    }
    if (equals_ignoring_case(value, "tcp")) {
      parsed.tcp = true;
    } else if (equals_ignoring_case(value, "udp")) {
      parsed.tcp = false;
    } else {
      error = "proxy: unsupported transport \"" + std::string(value) + "\"";
      return false;
    }
  }

  parsed.host = std::string(host);
  out = std::move(parsed);
  return true;
}

}  // namespace wrtc::sip
