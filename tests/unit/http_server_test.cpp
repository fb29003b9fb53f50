// Tests of the HTTP signalling server against a plain POSIX socket client.
#define CAF_SUITE protocols.http_server

#include "protocols/http/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "caf/test/unit_test.hpp"

using namespace wrtc::http;
using namespace std::chrono_literals;

namespace {

using clock_type = std::chrono::steady_clock;

constexpr auto patience = 5s;

// Polls `pred` until it holds or `within` passed.
template <class Predicate>
bool eventually(Predicate pred, std::chrono::milliseconds within = patience) {
  auto deadline = clock_type::now() + within;
  while (clock_type::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

/// One answer as seen on the wire.
struct wire_response {
  int status = 0;
  std::string head;
  std::string body;

  bool has_header_line(const std::string& line) const {
    return head.find("\r\n" + line + "\r\n") != std::string::npos;
  }
};

/// A blocking-free test client over one TCP connection.
class client {
 public:
  explicit client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }

  ~client() { close(); }

  client(const client&) = delete;
  client& operator=(const client&) = delete;

  bool connected() const { return connected_; }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  /// Sends everything, giving up when the server stops reading (e.g. after a 413).
  bool send(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      auto n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  /// Reads one response (Content-Length framed; no body for answers to HEAD) before the deadline.
  std::optional<wire_response> read_response(std::chrono::milliseconds within = patience,
                                             bool to_head = false) {
    auto deadline = clock_type::now() + within;
    for (;;) {
      auto end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        wire_response r;
        r.head = pending_.substr(0, end + 2);
        r.status = std::atoi(r.head.c_str() + 9);
        std::size_t length = 0;
        auto at = lower(r.head).find("\r\ncontent-length: ");
        if (at != std::string::npos && !to_head) length = std::stoul(r.head.substr(at + 18));
        if (pending_.size() >= end + 4 + length) {
          r.body = pending_.substr(end + 4, length);
          pending_.erase(0, end + 4 + length);
          return r;
        }
      }
      if (!receive_some(deadline)) return std::nullopt;
    }
  }

  /// Whether the server closes the connection (EOF or reset) before the deadline.
  bool closed_by_server(std::chrono::milliseconds within = patience) {
    auto deadline = clock_type::now() + within;
    while (receive_some(deadline)) {
      // Discard whatever else arrives.
    }
    return eof_;
  }

 private:
  static std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  // False on EOF, error or deadline.
  bool receive_some(clock_type::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    auto n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    pending_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string pending_;
};

/// One request the application kept, for answering later.
struct held_request {
  request req;
  responder res;
};

/// Starts a server whose handler is chosen per test, and records rejections.
struct fixture {
  fixture() {
    cfg.address = "127.0.0.1";
    cfg.port = 0;
    cfg.max_body_bytes = 1024;
    cfg.max_header_bytes = 2048;
    cfg.on_rejected = [this](rejection r, std::string_view) {
      std::lock_guard<std::mutex> guard{mtx};
      rejections.push_back(r);
    };
  }

  ~fixture() {
    server.reset();
    if (worker.joinable()) worker.join();
  }

  void start(request_handler handler) {
    std::string error;
    server = http_server::start(cfg, std::move(handler), error);
    CAF_REQUIRE(server != nullptr);
  }

  /// A handler that keeps every request for the test to answer.
  request_handler holding_handler() {
    return [this](request&& req, responder res) {
      std::lock_guard<std::mutex> guard{mtx};
      held.push_back(held_request{std::move(req), std::move(res)});
      cv.notify_all();
    };
  }

  std::optional<held_request> next_held(std::chrono::milliseconds within = patience) {
    std::unique_lock<std::mutex> guard{mtx};
    if (!cv.wait_for(guard, within, [this] { return !held.empty(); })) return std::nullopt;
    auto h = std::move(held.front());
    held.pop_front();
    return h;
  }

  bool rejected(rejection r) {
    return eventually([&] {
      std::lock_guard<std::mutex> guard{mtx};
      return std::find(rejections.begin(), rejections.end(), r) != rejections.end();
    });
  }

  uint16_t port() const { return server->port(); }

  server_config cfg;
  std::unique_ptr<http_server> server;
  std::thread worker;
  std::mutex mtx;
  std::condition_variable cv;
  std::deque<held_request> held;
  std::vector<rejection> rejections;
};

response text(int status, std::string body) {
  response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain");
  r.body = std::move(body);
  return r;
}

}  // namespace

CAF_TEST_FIXTURE_SCOPE(http_server_tests, fixture)

CAF_TEST(binding port zero picks a free port and a taken port is an error) {
  start([](request&&, responder res) { res.respond(text(200, "ok")); });
  CAF_CHECK_NOT_EQUAL(port(), 0u);
  server_config again = cfg;
  again.port = port();
  std::string error;
  auto second = http_server::start(
      again, [](request&&, responder) {}, error);
  CAF_CHECK(second == nullptr);
  CAF_CHECK(!error.empty());
  server_config bad = cfg;
  bad.address = "not-an-address";
  error.clear();
  CAF_CHECK(http_server::start(
                bad, [](request&&, responder) {}, error) == nullptr);
  CAF_CHECK(!error.empty());
}

CAF_TEST(a get is answered from another thread) {
  start(holding_handler());
  client c{port()};
  CAF_REQUIRE(c.connected());
  c.send(
      "GET /v1/sessions/a%20b/events?since=4&name=J%C3%B6rg+M HTTP/1.1\r\n"
      "Host: x\r\nX-Agent-Id: 5001\r\n\r\n");
  auto h = next_held();
  CAF_REQUIRE(h.has_value());
  CAF_CHECK_EQUAL(h->req.method, "GET");
  CAF_CHECK_EQUAL(h->req.path, "/v1/sessions/a b/events");
  CAF_CHECK_EQUAL(h->req.query, "since=4&name=J%C3%B6rg+M");
  CAF_CHECK_EQUAL(h->req.query_param("since"), "4");
  CAF_CHECK_EQUAL(h->req.query_param("name"), "J\xC3\xB6rg M");
  CAF_CHECK(h->req.has_query_param("name"));
  CAF_CHECK(!h->req.has_query_param("missing"));
  CAF_CHECK_EQUAL(h->req.header("x-agent-id"), "5001");
  CAF_CHECK_EQUAL(h->req.header("absent"), "");
  CAF_CHECK_EQUAL(h->req.remote_address.rfind("127.0.0.1:", 0), 0u);
  worker = std::thread{[res = h->res] { res.respond(text(200, "hello")); }};
  auto r = c.read_response();
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->status, 200);
  CAF_CHECK_EQUAL(r->body, "hello");
  CAF_CHECK(r->has_header_line("Server: wrtc"));
  CAF_CHECK(r->has_header_line("Content-Length: 5"));
  CAF_CHECK(r->has_header_line("Connection: keep-alive"));
  CAF_CHECK(r->head.find("Access-Control") == std::string::npos);
}

CAF_TEST(two requests share one keep alive connection) {
  start([](request&& req, responder res) { res.respond(text(200, req.method + " " + req.body)); });
  client c{port()};
  CAF_REQUIRE(c.connected());
  c.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none");
  auto first = c.read_response();
  CAF_REQUIRE(first.has_value());
  CAF_CHECK_EQUAL(first->body, "POST one");
  c.send("POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n");
  auto second = c.read_response();
  CAF_REQUIRE(second.has_value());
  CAF_CHECK_EQUAL(second->body, "POST two");
  c.send("GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto third = c.read_response();
  CAF_REQUIRE(third.has_value());
  CAF_CHECK(third->has_header_line("Connection: close"));
  CAF_CHECK(c.closed_by_server());
}

CAF_TEST(pipelined requests are answered in order) {
  start([](request&& req, responder res) { res.respond(text(200, req.path)); });
  client c{port()};
  c.send(
      "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /3 HTTP/1.1\r\nHost: x\r\n\r\n");
  for (const char* path : {"/1", "/2", "/3"}) {
    auto r = c.read_response();
    CAF_REQUIRE(r.has_value());
    CAF_CHECK_EQUAL(r->body, path);
  }
}

CAF_TEST(an oversized body is refused with 413) {
  start([](request&&, responder res) { res.respond(text(200, "unexpected")); });
  client by_length{port()};
  by_length.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                 std::string(1000, 'a'));
  auto r = by_length.read_response();
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->status, 413);
  CAF_CHECK(r->has_header_line("Content-Type: application/json"));
  CAF_CHECK_EQUAL(r->body,
                  R"({"error":{"code":"body_too_large","message":"request body too large"}})");
  CAF_CHECK(by_length.closed_by_server());
  CAF_CHECK(rejected(rejection::body_too_large));

  client chunked{port()};
  chunked.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (int i = 0; i < 3; ++i) chunked.send("200\r\n" + std::string(512, 'b') + "\r\n");
  auto rc = chunked.read_response();
  CAF_REQUIRE(rc.has_value());
  CAF_CHECK_EQUAL(rc->status, 413);
}

CAF_TEST(garbage is refused with 400) {
  start([](request&&, responder res) { res.respond(text(200, "unexpected")); });
  client c{port()};
  // A TLS ClientHello sent to the plain-text port, then line noise.
  static constexpr char hello[] =
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
      "garbage\r\n\r\n";
  c.send(std::string(hello, sizeof(hello) - 1));
  auto r = c.read_response();
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->status, 400);
  CAF_CHECK(r->body.find(R"("code":"bad_request")") != std::string::npos);
  CAF_CHECK(c.closed_by_server());
  CAF_CHECK(rejected(rejection::malformed));

  client bad_escape{port()};
  bad_escape.send("GET /v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r2 = bad_escape.read_response();
  CAF_REQUIRE(r2.has_value());
  CAF_CHECK_EQUAL(r2->status, 400);

  client smuggler{port()};
  smuggler.send(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n");
  auto r3 = smuggler.read_response();
  CAF_REQUIRE(r3.has_value());
  CAF_CHECK_EQUAL(r3->status, 400);
}

CAF_TEST(huge headers are refused with 431) {
  start([](request&&, responder res) { res.respond(text(200, "unexpected")); });
  client big{port()};
  big.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'h') + "\r\n\r\n");
  auto r = big.read_response();
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->status, 431);
  CAF_CHECK(r->body.find(R"("code":"header_too_large")") != std::string::npos);
  CAF_CHECK(rejected(rejection::header_too_large));

  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 150; ++i) many += "a" + std::to_string(i) + ":\r\n";
  client counted{port()};
  counted.send(many + "\r\n");
  auto r2 = counted.read_response();
  CAF_REQUIRE(r2.has_value());
  CAF_CHECK_EQUAL(r2->status, 431);
}

CAF_TEST(a responder used after its client left is harmless) {
  start(holding_handler());
  {
    client c{port()};
    c.send("GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
    auto h = next_held();
    CAF_REQUIRE(h.has_value());
    CAF_CHECK(!h->res.closed());
    c.close();
    CAF_CHECK(eventually([&] { return h->res.closed(); }));
    h->res.respond(text(200, "too late"));
    h->res.respond(text(200, "twice"));
  }
  // The server still serves.
  client next{port()};
  next.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
  auto h2 = next_held();
  CAF_REQUIRE(h2.has_value());
  h2->res.respond(text(204, ""));
  auto r = next.read_response();
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->status, 204);
  CAF_CHECK(r->head.find("Content-Length") == std::string::npos);
}

CAF_TEST(a responder outliving the server is harmless) {
  start(holding_handler());
  client c{port()};
  c.send("GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
  auto h = next_held();
  CAF_REQUIRE(h.has_value());
  server.reset();
  CAF_CHECK(h->res.closed());
  h->res.respond(text(200, "after shutdown"));
  CAF_CHECK(c.closed_by_server());
}

CAF_TEST(a held request outlives the read timeout) {
  cfg.read_timeout = 1s;
  start(holding_handler());
  client c{port()};
  c.send("GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n");
  auto h = next_held();
  CAF_REQUIRE(h.has_value());
  // Nothing may arrive while the application holds the request, not even a close.
  CAF_CHECK(!c.read_response(1500ms).has_value());
  h->res.respond(text(200, "event"));
  auto r = c.read_response();
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->body, "event");
}

CAF_TEST(a request that trickles in is cut at the read timeout) {
  cfg.read_timeout = 1s;
  start([](request&&, responder res) { res.respond(text(200, "unexpected")); });
  client c{port()};
  c.send("GET / HTTP/1.1\r\nHost: x\r\n");
  CAF_CHECK(c.closed_by_server());
  CAF_CHECK(rejected(rejection::timeout));
}

CAF_TEST(a dropped responder answers 500 and head gets no body) {
  start([](request&& req, responder res) {
    if (req.method == "HEAD") res.respond(text(200, "12345"));
    // Otherwise dropped unanswered.
  });
  client c{port()};
  c.send("GET /dropped HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response();
  CAF_REQUIRE(r.has_value());
  CAF_CHECK_EQUAL(r->status, 500);
  c.send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = c.read_response(patience, true);
  CAF_REQUIRE(head.has_value());
  CAF_CHECK_EQUAL(head->status, 200);
  // Content-Length tells the size of the body a GET would get, but no body follows: the next
  // answer starts right after the header.
  CAF_CHECK(head->has_header_line("Content-Length: 5"));
  c.send("HEAD /y HTTP/1.1\r\nHost: x\r\n\r\n");
  auto again = c.read_response(patience, true);
  CAF_REQUIRE(again.has_value());
  CAF_CHECK_EQUAL(again->status, 200);
}

CAF_TEST_FIXTURE_SCOPE_END()
