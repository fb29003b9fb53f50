// One parsed HTTP request as handed to the application.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wrtc::http {

/// A complete request: line, headers and body, already checked against the server's limits.
struct request {
  /// Method token as sent, e.g. "GET", "POST", "OPTIONS".
  std::string method;
  /// Percent-decoded path without the query, e.g. "/v1/sessions/abc/events"; "*" for `OPTIONS *`.
  std::string path;
  /// Raw query string without the leading '?', still percent-encoded.
  std::string query;
  /// Header fields in arrival order, names as sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// "ip:port" of the peer ("[v6]:port" for IPv6).
  std::string remote_address;
  /// HTTP version times ten: 11 or 10.
  unsigned version = 11;

  /// The percent-decoded value of the first query parameter `name` ('+' reads as a space), or "".
  std::string query_param(std::string_view name) const;

  /// Whether the query holds parameter `name`, with or without a value.
  bool has_query_param(std::string_view name) const;

  /// The first header named `name` (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;

  /// Whether a header named `name` is present (case-insensitive).
  bool has_header(std::string_view name) const;
};

}  // namespace wrtc::http
