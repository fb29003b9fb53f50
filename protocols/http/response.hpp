// One HTTP response as produced by the application.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace wrtc::http {

/// What the application answers. The server adds Content-Length, Connection and Server itself and
/// drops any framing headers (Content-Length, Transfer-Encoding, Connection) set here, except that
/// `Connection: close` is honoured by closing after the response.
struct response {
  /// 200..599; anything else is answered as 500.
  int status = 200;
  /// Extra headers, e.g. {"Content-Type", "application/json"}; repeated names (Set-Cookie) allowed.
  /// Headers whose name or value could break the framing (CR, LF, NUL) are dropped.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Not sent for HEAD requests, 204 and 304 (Content-Length still tells its size for HEAD).
  std::string body;
};

}  // namespace wrtc::http
