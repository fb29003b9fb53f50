// libFuzzer target: HTTP/1.x request parsing as the signalling server does it (Beast parser with
// the server's limits, the checks of `http_connection`, then `wrtc::http::request`).
//
// The server's reading code is spread over asynchronous callbacks in http_connection.cpp, so the
// steps are repeated here with synchronous reads: keep them in step with `read_request`,
// `on_header` and `on_request` there. Input layout: the first byte sets how many bytes each read
// delivers (0: as many as fit), the rest is what a client sends on one connection, possibly
// several pipelined requests. Every input is parsed twice, once in the chosen pieces and once in
// one piece, and both parses must agree.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/http/request.hpp"
#include "protocols/http/request_target.hpp"
#include "protocols/http/server_config.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using error_code = boost::system::error_code;

// As in http_connection.cpp.
constexpr std::size_t initial_buffer_bytes = 2048;
constexpr std::size_t buffer_slack_bytes = 4096;
// Pipelined requests read from one input; more teach nothing new.
constexpr int max_requests_per_input = 8;

void require(bool ok) {
  if (!ok) std::abort();
}

/// A SyncReadStream over the fuzz input that hands out at most `piece` bytes per read, then EOF
/// (the client half-closed after sending).
class input_stream {
 public:
  input_stream(std::string_view bytes, std::size_t piece) : rest_(bytes), piece_(piece) {}

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, error_code& ec) {
    ec = {};
    if (asio::buffer_size(buffers) == 0) return 0;
    if (rest_.empty()) {
      ec = asio::error::eof;
      return 0;
    }
    auto n = asio::buffer_copy(buffers, asio::buffer(rest_.data(), std::min(rest_.size(), piece_)));
    rest_.remove_prefix(n);
    return n;
  }

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    error_code ec;
    auto n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error{ec};
    return n;
  }

 private:
  std::string_view rest_;
  std::size_t piece_;
};

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != '\0' && std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

/// What the application would see of one request, or why the server refused it.
struct outcome {
  std::string verdict;
  wrtc::http::request req;

  bool operator==(const outcome& o) const {
    return verdict == o.verdict && req.method == o.req.method && req.path == o.req.path &&
           req.query == o.req.query && req.headers == o.req.headers && req.body == o.req.body &&
           req.version == o.req.version;
  }
};

// The status http_connection::on_read_error answers with; "close" when nobody is answered.
std::string read_error_verdict(error_code ec) {
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) return "431";
  if (ec == bhttp::error::body_limit) return "413";
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
      ec != bhttp::error::end_of_stream) {
    return "400";
  }
  return "close";
}

// What a handler reads of a request (signalling_api.cpp), plus every name the request itself
// carries, so that lookups run over hostile names too.
void exercise(const wrtc::http::request& req) {
  for (std::string_view name : {"after", "timeout", "dn", ""}) {
    auto value = req.query_param(name);
    if (!req.has_query_param(name)) require(value.empty());
  }
  std::string_view q{req.query};
  for (int i = 0; i < 16 && !q.empty(); ++i) {
    auto amp = q.find('&');
    auto pair = q.substr(0, amp);
    auto name = wrtc::http::decode_query_component(pair.substr(0, pair.find('=')));
    // A name that reads as itself is found again, unless a parameter before it decodes the same.
    if (!name.empty()) require(req.has_query_param(name));
    (void)req.query_param(name);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
  }
  for (std::string_view name : {"Authorization", "Cookie", "Origin", "Host", "Content-Type"}) {
    auto value = req.header(name);
    if (!value.empty()) require(req.has_header(name));
  }
  for (const auto& [name, value] : req.headers) {
    require(req.has_header(name));
    (void)req.header(name);
  }
}

// Checks what reaches the application against what the server promises it.
void check_accepted(const wrtc::http::request& req, const wrtc::http::server_config& cfg) {
  require(req.version == 10 || req.version == 11);
  require(!req.method.empty());
  require(std::all_of(req.method.begin(), req.method.end(), is_tchar));
  require(req.path == "*" || (!req.path.empty() && req.path.front() == '/'));
  require(req.path.find('\0') == std::string::npos);
  require(req.body.size() <= cfg.max_body_bytes);
  require(req.headers.size() <= cfg.max_header_count);
  std::size_t header_bytes = 0;
  for (const auto& [name, value] : req.headers) {
    // A CR, LF or NUL that got through would let a header echoed into an answer or a log line
    // end early.
    require(!name.empty());
    require(std::all_of(name.begin(), name.end(), is_tchar));
    require(value.find_first_of(std::string_view{"\r\n\0", 3}) == std::string::npos);
    header_bytes += name.size() + value.size() + 4;
  }
  require(header_bytes <= cfg.max_header_bytes);
}

/// Reads requests from one connection the way http_connection does, until it would close.
std::vector<outcome> serve(std::string_view bytes, std::size_t piece,
                           const wrtc::http::server_config& cfg) {
  std::vector<outcome> seen;
  input_stream stream{bytes, piece};
  beast::flat_buffer buffer(cfg.max_header_bytes + buffer_slack_bytes);
  for (int i = 0; i < max_requests_per_input; ++i) {
    // read_request
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(cfg.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser.body_limit(cfg.max_body_bytes);
    if (buffer.capacity() < initial_buffer_bytes && buffer.max_size() > initial_buffer_bytes) {
      buffer.reserve(initial_buffer_bytes);
    }
    error_code ec;
    bhttp::read_header(stream, buffer, parser, ec);
    // on_header
    if (ec) {
      seen.push_back({read_error_verdict(ec), {}});
      break;
    }
    const auto& msg = parser.get();
    if (msg.version() < 10 || msg.version() >= 20) {
      seen.push_back({"400 version", {}});
      break;
    }
    if (static_cast<std::size_t>(std::distance(msg.begin(), msg.end())) > cfg.max_header_count) {
      seen.push_back({"431 count", {}});
      break;
    }
    if (msg.count(bhttp::field::transfer_encoding) > 0 && !parser.chunked()) {
      seen.push_back({"400 transfer-encoding", {}});
      break;
    }
    if (!parser.is_done()) {
      auto expect = msg[bhttp::field::expect];
      if (!expect.empty() && !beast::iequals(expect, "100-continue")) {
        seen.push_back({"417", {}});
        break;
      }
      // read_body, on_body
      bhttp::read(stream, buffer, parser, ec);
      if (ec) {
        seen.push_back({read_error_verdict(ec), {}});
        break;
      }
    }
    // on_request
    auto m = parser.release();
    outcome o;
    if (!wrtc::http::split_request_target(m.target(), o.req.path, o.req.query)) {
      o.verdict = "400 target";
      seen.push_back(std::move(o));
      break;
    }
    {
      // http_connection::on_request: chunked trailers join the fields, so the limits are
      // checked again.
      std::size_t count = 0;
      std::size_t bytes = 0;
      for (const auto& f : m) {
        ++count;
        bytes += f.name_string().size() + f.value().size() + 4;
      }
      if (count > cfg.max_header_count || bytes > cfg.max_header_bytes) {
        o.verdict = "431 trailers";
        seen.push_back(std::move(o));
        break;
      }
    }
    o.verdict = "accepted";
    o.req.method.assign(m.method_string());
    o.req.version = m.version();
    o.req.headers.reserve(static_cast<std::size_t>(std::distance(m.begin(), m.end())));
    for (const auto& f : m) {
      o.req.headers.emplace_back(f.name_string(), f.value());
    }
    o.req.body = std::move(m.body());
    o.req.remote_address = "192.0.2.1:40000";
    check_accepted(o.req, cfg);
    exercise(o.req);
    seen.push_back(std::move(o));
    if (!m.keep_alive()) break;
    if (buffer.size() == 0) buffer.shrink_to_fit();
  }
  return seen;
}

bool is_rejection(const outcome& o) {
  return o.verdict != "accepted" && o.verdict != "close";
}

// Both reads must hand the application the same requests and end the same way. Which refusal a
// broken request gets may differ: once Beast had to wait for more input it only looks for the
// blank line that ends the header, so a header that is both broken and over the limit gets 431
// when it arrives in pieces and 400 when it arrives at once. Either way it is refused.
bool same_reading(const std::vector<outcome>& a, const std::vector<outcome>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    bool last = i + 1 == a.size();
    if (last && is_rejection(a[i]) && is_rejection(b[i])) continue;
    if (!(a[i] == b[i])) return false;
  }
  return true;
}

// The target splitter and query walker on bytes Beast would never let through: cheap, and they
// must not depend on Beast's filtering for memory safety.
void split_raw(std::string_view bytes) {
  std::string path;
  std::string query;
  if (wrtc::http::split_request_target(bytes, path, query)) {
    require(path == "*" || (!path.empty() && path.front() == '/'));
    if (bytes.find('\0') == std::string_view::npos) require(path.find('\0') == std::string::npos);
  }
  bool found = false;
  (void)wrtc::http::find_query_value(bytes, "after", found);
  (void)wrtc::http::decode_query_component(bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const wrtc::http::server_config cfg;
  std::size_t piece = data[0] == 0 ? std::numeric_limits<std::size_t>::max() : data[0];
  std::string_view bytes{reinterpret_cast<const char*>(data) + 1, size - 1};
  auto in_pieces = serve(bytes, piece, cfg);
  if (piece != std::numeric_limits<std::size_t>::max()) {
    // The parser may not read a request differently depending on how TCP cut it.
    auto whole = serve(bytes, std::numeric_limits<std::size_t>::max(), cfg);
    if (!same_reading(in_pieces, whole)) {
      std::fprintf(stderr, "read in %zu-byte pieces:", piece);
      for (const auto& o : in_pieces) std::fprintf(stderr, " [%s]", o.verdict.c_str());
      std::fprintf(stderr, "\nread in one piece:");
      for (const auto& o : whole) std::fprintf(stderr, " [%s]", o.verdict.c_str());
      std::fprintf(stderr, "\n");
      std::abort();
    }
  }
  split_raw(bytes);
  return 0;
}
