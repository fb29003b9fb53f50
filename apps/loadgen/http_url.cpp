// Parsing of http:// URLs.
#include "apps/loadgen/http_url.hpp"

#include <charconv>

namespace wrtc::loadgen {

std::string http_url::authority() const {
  auto host_part = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return host_part + ":" + std::to_string(port);
}

std::optional<http_url> http_url::parse(std::string_view text) {
  constexpr std::string_view scheme = "http://";
  if (text.substr(0, scheme.size()) != scheme) {
    return std::nullopt;
  }
  text.remove_prefix(scheme.size());
  auto slash = text.find('/');
  auto hostport = text.substr(0, slash);
  http_url url;
  if (slash != std::string_view::npos) {
    url.target = std::string{text.substr(slash)};
  }
  if (hostport.empty() || hostport.find('@') != std::string_view::npos ||
      url.target.find('#') != std::string::npos) {
    return std::nullopt;
  }
  std::string_view port_text;
  if (hostport.front() == '[') {
    auto close = hostport.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    url.host = std::string{hostport.substr(1, close - 1)};
    auto rest = hostport.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return std::nullopt;
      }
      port_text = rest.substr(1);
    }
  } else {
    auto colon = hostport.find(':');
    url.host = std::string{hostport.substr(0, colon)};
    if (colon != std::string_view::npos) {
      port_text = hostport.substr(colon + 1);
    }
  }
  if (url.host.empty()) {
    return std::nullopt;
  }
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return std::nullopt;
    }
    url.port = static_cast<uint16_t>(value);
  }
  return url;
}

}  // namespace wrtc::loadgen
