// A parsed http:// URL: the only kind of address the load generator talks to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wrtc::loadgen {

/// `http://host[:port][/path]`; no TLS, no user info, no fragment.
struct http_url {
  /// Host name or IPv4 literal (IPv6 literals in brackets, brackets removed).
  std::string host;
  /// 80 when the URL names none.
  uint16_t port = 80;
  /// Path and query, "/" when the URL names none.
  std::string target = "/";

  /// `host:port` for the Host header.
  std::string authority() const;

  /// Nothing when `text` is not an http:// URL of this shape.
  static std::optional<http_url> parse(std::string_view text);
};

}  // namespace wrtc::loadgen
