// Why the server itself refused a request (for metrics and logs).
#pragma once

#include <string_view>

namespace wrtc::http {

/// Reasons the server answers or drops a request without involving the application.
enum class rejection {
  /// Unparseable request line, headers, chunking or path encoding: 400.
  malformed,
  /// Header section over `max_header_bytes` or `max_header_count`: 431.
  header_too_large,
  /// Body over `max_body_bytes`, by Content-Length or while chunks arrive: 413.
  body_too_large,
  /// Accepted while `max_connections` were open: 503, then closed.
  too_many_connections,
  /// A started request did not arrive completely within `read_timeout`: closed without an answer.
  timeout,
};

/// A stable snake_case name, usable as a metric label.
constexpr std::string_view to_string(rejection r) {
  switch (r) {
    case rejection::malformed:
      return "malformed";
    case rejection::header_too_large:
      return "header_too_large";
    case rejection::body_too_large:
      return "body_too_large";
    case rejection::too_many_connections:
      return "too_many_connections";
    case rejection::timeout:
      return "timeout";
  }
  return "unknown";
}

}  // namespace wrtc::http
