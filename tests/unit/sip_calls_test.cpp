// Calls through a real sip_stack on 127.0.0.1 against real SIPp processes (and raw UDP peers).
#define CAF_SUITE protocols.sip_calls

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "caf/test/unit_test.hpp"
#include "protocols/sip/sip_info_dtmf.hpp"
#include "protocols/sip/sip_stack.hpp"

using namespace wrtc::sip;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

extern char** environ;

namespace {

using clock_type = std::chrono::steady_clock;

// Generous: two cores shared with other builds and tests.
constexpr auto patience = 10s;

const fs::path scenario_dir =
    fs::path(__FILE__).parent_path().parent_path() / "integration" / "sipp";

constexpr char const* offer_sdp =
    "v=0\r\n"
    "o=wrtc 1 1 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio 40000 RTP/AVP 0 8 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=sendrecv\r\n";

std::string answer_sdp(const char* direction) {
  return std::string(
             "v=0\r\no=wrtc 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
             "m=audio 40002 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
             "a=rtpmap:101 telephone-event/8000\r\na=") +
         direction + "\r\n";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::optional<fs::path> find_sipp() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    fs::path candidate = fs::path(dir) / "sipp";
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

bool bindable(uint16_t port, int type) {
  int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  if (fd >= 0) {
    ::close(fd);
  }
  return ok;
}

// A port free on 127.0.0.1 for UDP and TCP right now.
uint16_t free_port() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                 ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    ::close(fd);
    if (!bound) {
      continue;
    }
    uint16_t port = ntohs(addr.sin_port);
    if (port != 0 && bindable(port, SOCK_STREAM)) {
      return port;
    }
  }
  return 0;
}

template <class Predicate>
bool eventually(Predicate pred, std::chrono::milliseconds within = patience) {
  auto deadline = clock_type::now() + within;
  while (clock_type::now() < deadline) {
    if (pred()) {
      return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

/// Every call event the stack reported, in order; filled on the SIP thread.
class call_log {
 public:
  void add(const call_event& event) {
    std::lock_guard<std::mutex> guard(mtx_);
    events_.push_back(event);
    changed_.notify_all();
  }

  /// The first event (in arrival order) matching `pred`, waiting up to `within` for it.
  std::optional<call_event> wait_for(std::function<bool(const call_event&)> pred,
                                     std::chrono::milliseconds within = patience) {
    std::unique_lock<std::mutex> lock(mtx_);
    std::optional<call_event> found;
    changed_.wait_for(lock, within, [&] {
      for (const auto& e : events_) {
        if (pred(e)) {
          found = e;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  std::optional<call_event> wait_for(uint64_t call_id, call_event_kind kind,
                                     std::chrono::milliseconds within = patience) {
    return wait_for([=](const call_event& e) { return e.call_id == call_id && e.kind == kind; },
                    within);
  }

  /// The first `incoming` event.
  std::optional<call_event> wait_incoming(std::chrono::milliseconds within = patience) {
    return wait_for([](const call_event& e) { return e.kind == call_event_kind::incoming; },
                    within);
  }

  std::vector<call_event> of(uint64_t call_id) const {
    std::lock_guard<std::mutex> guard(mtx_);
    std::vector<call_event> result;
    for (const auto& e : events_) {
      if (e.call_id == call_id) {
        result.push_back(e);
      }
    }
    return result;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> guard(mtx_);
    return events_.size();
  }

 private:
  mutable std::mutex mtx_;
  std::condition_variable changed_;
  std::vector<call_event> events_;
};

/// One SIPp process, killed (by pid) when this goes away. A failed CAF_REQUIRE aborts the test
/// binary without running destructors: SIPp then ends by its own -timeout and the work folder
/// (/tmp/wrtc-sip-calls-*) stays for inspection.
class sipp_process {
 public:
  sipp_process(const fs::path& sipp, const fs::path& workdir, const std::string& name,
               std::vector<std::string> args)
      : messages_(workdir / (name + "_messages.log")), output_(workdir / (name + ".out")) {
    std::vector<std::string> argv{sipp.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const char* extra : {"-nostdin", "-trace_msg", "-timeout", "30s", "-timeout_error"}) {
      argv.emplace_back(extra);
    }
    argv.emplace_back("-message_file");
    argv.emplace_back(messages_.string());
    std::vector<char*> raw;
    raw.reserve(argv.size() + 1);
    for (auto& a : argv) {
      raw.push_back(a.data());
    }
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (::posix_spawn(&pid_, raw[0], &actions, nullptr, raw.data(), environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }

  ~sipp_process() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  bool started() const { return pid_ > 0; }

  /// The exit code once SIPp ended (0: every call succeeded), or nothing if it still runs after
  /// `within`.
  std::optional<int> wait_exit(std::chrono::milliseconds within = patience) {
    eventually(
        [this] {
          if (status_ || pid_ <= 0) {
            return true;
          }
          int status = 0;
          if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return true;
          }
          return false;
        },
        within);
    return status_;
  }

  /// Its message log (every message sent and received) so far.
  std::string messages() const { return read_file(messages_); }

  /// Message log and output, for failure reports.
  std::string report() const {
    std::string text = read_file(output_);
    if (text.size() > 3000) {
      text = text.substr(text.size() - 3000);
    }
    return "--- sipp output ---\n" + text + "\n--- messages ---\n" + messages();
  }

 private:
  fs::path messages_;
  fs::path output_;
  pid_t pid_ = -1;
  std::optional<int> status_;
};

/// A bare UDP socket on 127.0.0.1 for crafted requests, or a peer that never answers.
class udp_peer {
 public:
  udp_peer() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }

  ~udp_peer() { ::close(fd_); }

  uint16_t port() const { return port_; }

  void send_to(uint16_t port, const std::string& text) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::sendto(fd_, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }

  /// The next datagram, or nothing within `within`.
  std::optional<std::string> receive(std::chrono::milliseconds within = patience) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(within.count())) <= 0) {
      return std::nullopt;
    }
    char buf[65536];
    auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) {
      return std::nullopt;
    }
    return std::string(buf, static_cast<std::size_t>(n));
  }

  /// The first final response (status >= 200) received within `within`; its status line first.
  std::optional<std::string> final_response(std::chrono::milliseconds within = patience) {
    auto deadline = clock_type::now() + within;
    while (clock_type::now() < deadline) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
      auto message = receive(left);
      if (!message) {
        return std::nullopt;
      }
      if (message->rfind("SIP/2.0 ", 0) == 0 && (*message)[8] >= '2') {
        return message;
      }
    }
    return std::nullopt;
  }

  /// An INVITE to sip:<user>@127.0.0.1:<port><uri_params> from this socket.
  std::string invite(uint16_t port, const std::string& uri_params, const std::string& call_id,
                     const std::string& content_type, const std::string& body) const {
    std::string text = "INVITE sip:5001@127.0.0.1:" + std::to_string(port) + uri_params +
                       " SIP/2.0\r\n"
                       "Via: SIP/2.0/UDP 127.0.0.1:" +
                       std::to_string(port_) + ";branch=z9hG4bK" + call_id +
                       "\r\n"
                       "Max-Forwards: 70\r\n"
                       "From: <sip:raw@127.0.0.1>;tag=raw" +
                       call_id +
                       "\r\n"
                       "To: <sip:5001@127.0.0.1>\r\n"
                       "Call-ID: " +
                       call_id +
                       "\r\n"
                       "CSeq: 1 INVITE\r\n"
                       "Contact: <sip:raw@127.0.0.1:" +
                       std::to_string(port_) + ">\r\n";
    if (!content_type.empty()) {
      text += "Content-Type: " + content_type + "\r\n";
    }
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return text;
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

struct fixture {
  fixture() {
    char dir[] = "/tmp/wrtc-sip-calls-XXXXXX";
    if (::mkdtemp(dir) != nullptr) {
      workdir = dir;
    }
  }

  ~fixture() {
    // Stop the stack before the peers: its teardown may still send to them.
    stack.reset();
    peers.clear();
    std::error_code ignored;
    fs::remove_all(workdir, ignored);
  }

  /// Whether SIPp can be run; says why not otherwise (the test then checks nothing more).
  bool have_sipp() {
    if (!sipp_path) {
      sipp_path = find_sipp();
    }
    if (!sipp_path) {
      std::cerr << "SKIPPED: sipp is not installed (apt-get install sip-tester); "
                   "the SIPp checks of protocols.sip_calls did not run\n";
      return false;
    }
    return true;
  }

  /// Starts the stack on 127.0.0.1, any port, with `proxy` as outbound proxy.
  void start_stack(const std::string& proxy, bool with_calls = true) {
    cfg.bind_address = "127.0.0.1";
    cfg.port = 0;
    cfg.proxy = proxy;
    cfg.user_agent = "wrtc-test";
    std::string error;
    auto on_registration = [this](const registration_event& e) {
      std::lock_guard<std::mutex> guard(registrations_mtx);
      registrations.push_back(e);
    };
    if (with_calls) {
      stack = sip_stack::start(
          cfg, on_registration, [this](const call_event& e) { calls.add(e); }, error);
    } else {
      stack = sip_stack::start(cfg, on_registration, error);
    }
    if (stack == nullptr) {
      CAF_FAIL("cannot start the SIP stack: " << error);
    }
  }

  /// SIPp as UAS (the stack's proxy) on a port of its own; waits until it listens.
  sipp_process& start_uas(const std::string& name, std::vector<std::string> args, uint16_t& port) {
    port = free_port();
    std::vector<std::string> argv{"-i", "127.0.0.1", "-p", std::to_string(port), "-m", "1"};
    argv.insert(argv.end(), args.begin(), args.end());
    peers.push_back(std::make_unique<sipp_process>(*sipp_path, workdir, name, argv));
    CAF_REQUIRE(peers.back()->started());
    if (!eventually(
            [port] { return !bindable(port, SOCK_DGRAM) || !bindable(port, SOCK_STREAM); })) {
      CAF_FAIL("SIPp did not start listening:\n" << peers.back()->report());
    }
    return *peers.back();
  }

  sipp_process& start_uas_scenario(const std::string& scenario, uint16_t& port) {
    return start_uas(scenario, {"-sf", (scenario_dir / scenario).string()}, port);
  }

  /// SIPp as UAC calling DN 5001 at the stack with Request-URI parameters `ruri_params`.
  sipp_process& start_uac(const std::string& scenario, const std::string& ruri_params,
                          std::vector<std::string> args = {}) {
    std::vector<std::string> argv{"127.0.0.1:" + std::to_string(stack->port()),
                                  "-sf",
                                  (scenario_dir / scenario).string(),
                                  "-s",
                                  "5001",
                                  "-set",
                                  "ruri_params",
                                  ruri_params,
                                  "-i",
                                  "127.0.0.1",
                                  "-p",
                                  std::to_string(free_port()),
                                  "-m",
                                  "1"};
    argv.insert(argv.end(), args.begin(), args.end());
    peers.push_back(std::make_unique<sipp_process>(*sipp_path, workdir, scenario, argv));
    CAF_REQUIRE(peers.back()->started());
    return *peers.back();
  }

  void expect_success(sipp_process& peer) {
    auto code = peer.wait_exit();
    CAF_CHECK(code && *code == 0);
    if (!code || *code != 0) {
      std::cerr << "SIPp did not succeed (exit " << (code ? std::to_string(*code) : "none")
                << "):\n"
                << peer.report() << "\n";
    }
  }

  outgoing_call call_to(uint64_t id, std::string to) {
    outgoing_call c;
    c.call_id = id;
    c.from_user = "5001";
    c.domain = "tenant.test";
    c.to = std::move(to);
    c.sdp = offer_sdp;
    return c;
  }

  fs::path workdir;
  std::optional<fs::path> sipp_path;
  sip_stack_config cfg;
  call_log calls;
  std::mutex registrations_mtx;
  std::vector<registration_event> registrations;
  std::vector<std::unique_ptr<sipp_process>> peers;
  std::unique_ptr<sip_stack> stack;
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(sip_calls_tests, fixture)

// -- outgoing calls -------------------------------------------------------------------------

CAF_TEST(an outgoing call rings is answered and hung up with BYE) {
  if (!have_sipp()) {
    return;
  }
  uint16_t port = 0;
  auto& uas = start_uas("uas", {"-sn", "uas"}, port);
  start_stack("127.0.0.1:" + std::to_string(port));

  auto c = call_to(42, "1000");
  c.extra_headers = {{"X-Wrtc-Agent", "5001"}, {"X-Wrtc-Note", "two words"}};
  stack->invite(c);

  auto ringing = calls.wait_for(42, call_event_kind::provisional);
  CAF_REQUIRE(ringing);
  CAF_CHECK_EQUAL(ringing->status, 180);
  auto answered = calls.wait_for(42, call_event_kind::answered);
  CAF_REQUIRE(answered);
  CAF_CHECK_EQUAL(answered->status, 200);
  CAF_CHECK(contains(answered->sdp, "m=audio"));

  stack->hangup(42);
  auto ended = calls.wait_for(42, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "local_hangup");
  CAF_CHECK_EQUAL(ended->status, 0);
  expect_success(uas);
  CAF_CHECK_EQUAL(calls.of(42).size(), 3u);

  std::string wire = uas.messages();
  CAF_CHECK(contains(wire, "INVITE sip:1000@tenant.test SIP/2.0"));
  CAF_CHECK(contains(wire, "From: <sip:5001@tenant.test>;tag="));
  CAF_CHECK(contains(wire, "Contact: <sip:5001@127.0.0.1:" + std::to_string(stack->port()) + ">"));
  CAF_CHECK(contains(wire, "X-Wrtc-Agent: 5001"));
  CAF_CHECK(contains(wire, "X-Wrtc-Note: two words"));
  CAF_CHECK(contains(wire, "Content-Type: application/sdp"));
  // No session timers, no 100rel.
  CAF_CHECK(!contains(wire, "Session-Expires"));
  CAF_CHECK(!contains(wire, "Supported:"));
  CAF_CHECK(contains(wire, "ACK sip:"));
  CAF_CHECK(contains(wire, "BYE sip:"));
}

CAF_TEST(an outgoing call works through a TCP proxy) {
  if (!have_sipp()) {
    return;
  }
  uint16_t port = 0;
  auto& uas = start_uas("uas_answer_tcp",
                        {"-sf", (scenario_dir / "uas_answer.xml").string(), "-t", "t1"}, port);
  start_stack("127.0.0.1:" + std::to_string(port) + ";transport=tcp");

  stack->invite(call_to(60, "1000"));
  CAF_REQUIRE(calls.wait_for(60, call_event_kind::answered));
  stack->hangup(60);
  auto ended = calls.wait_for(60, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "local_hangup");
  expect_success(uas);
  std::string wire = uas.messages();
  CAF_CHECK(contains(wire, "Via: SIP/2.0/TCP"));
  CAF_CHECK(contains(
      wire, "Contact: <sip:5001@127.0.0.1:" + std::to_string(stack->port()) + ";transport=tcp>"));
}

CAF_TEST(an outgoing call refused 486 ends rejected) {
  if (!have_sipp()) {
    return;
  }
  uint16_t port = 0;
  auto& uas = start_uas_scenario("uas_reject_486.xml", port);
  start_stack("127.0.0.1:" + std::to_string(port));

  stack->invite(call_to(43, "sip:1000@tenant.test"));
  auto ended = calls.wait_for(43, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "rejected");
  CAF_CHECK_EQUAL(ended->status, 486);
  CAF_CHECK_EQUAL(ended->phrase, "Busy Here");
  expect_success(uas);
  CAF_CHECK_EQUAL(calls.of(43).size(), 1u);
}

CAF_TEST(hanging up a ringing outgoing call sends CANCEL) {
  if (!have_sipp()) {
    return;
  }
  uint16_t port = 0;
  auto& uas = start_uas_scenario("uas_ringing_wait.xml", port);
  start_stack("127.0.0.1:" + std::to_string(port));

  stack->invite(call_to(44, "*72#"));
  CAF_REQUIRE(calls.wait_for(44, call_event_kind::provisional));
  stack->hangup(44);
  auto ended = calls.wait_for(44, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "local_hangup");
  CAF_CHECK_EQUAL(ended->status, 487);
  expect_success(uas);
  CAF_CHECK(contains(uas.messages(), "CANCEL sip:*72%23@tenant.test SIP/2.0"));
}

CAF_TEST(an outgoing call without final answer is cancelled after the invite timeout) {
  if (!have_sipp()) {
    return;
  }
  uint16_t port = 0;
  auto& uas = start_uas_scenario("uas_ringing_wait.xml", port);
  cfg.invite_timeout = 1s;
  start_stack("127.0.0.1:" + std::to_string(port));

  stack->invite(call_to(45, "1000"));
  CAF_REQUIRE(calls.wait_for(45, call_event_kind::provisional));
  auto ended = calls.wait_for(45, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "timeout");
  CAF_CHECK_EQUAL(ended->status, 408);
  expect_success(uas);
}

CAF_TEST(an outgoing call answers a digest challenge) {
  if (!have_sipp()) {
    return;
  }
  uint16_t port = 0;
  auto& uas = start_uas_scenario("uas_digest_answer.xml", port);
  start_stack("127.0.0.1:" + std::to_string(port));

  auto c = call_to(46, "1000");
  c.auth_user = "5001";
  c.auth_password = "pw";
  stack->invite(c);
  CAF_REQUIRE(calls.wait_for(46, call_event_kind::answered));
  stack->hangup(46);
  auto ended = calls.wait_for(46, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "local_hangup");
  expect_success(uas);
  CAF_CHECK(contains(uas.messages(), "Authorization: Digest username=\"5001\""));
}

CAF_TEST(an outgoing call challenged without credentials ends auth_failed) {
  if (!have_sipp()) {
    return;
  }
  uint16_t port = 0;
  start_uas_scenario("uas_digest_answer.xml", port);
  start_stack("127.0.0.1:" + std::to_string(port));

  stack->invite(call_to(47, "1000"));
  auto ended = calls.wait_for(47, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "auth_failed");
  CAF_CHECK_EQUAL(ended->status, 401);
}

CAF_TEST(an outgoing call nobody answers ends with 408 after timer B) {
  udp_peer silent;
  cfg.sip_t1 = 20ms;  // timer B = 64 * T1 = 1.28 s
  start_stack("127.0.0.1:" + std::to_string(silent.port()));

  stack->invite(call_to(48, "1000"));
  auto invite = silent.receive();
  CAF_REQUIRE(invite);
  CAF_CHECK(invite->rfind("INVITE sip:1000@tenant.test", 0) == 0);
  auto ended = calls.wait_for(48, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "timeout");
  CAF_CHECK_EQUAL(ended->status, 408);
}

CAF_TEST(an outgoing call to an unreachable proxy ends with a transport error) {
  // Nobody listens on this TCP port: the connection is refused.
  uint16_t closed = free_port();
  start_stack("127.0.0.1:" + std::to_string(closed) + ";transport=tcp");

  stack->invite(call_to(49, "1000"));
  auto ended = calls.wait_for(49, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "transport_error");
  CAF_CHECK_EQUAL(ended->status, 503);
}

CAF_TEST(invite refuses what it cannot send and ignores ids it does not own) {
  udp_peer proxy;
  start_stack("127.0.0.1:" + std::to_string(proxy.port()));

  auto bad_header = call_to(50, "1000");
  bad_header.extra_headers = {{"Call-ID", "mine"}};
  auto header_injection = call_to(51, "1000");
  header_injection.extra_headers = {{"X-Ok", "a\r\nVia: evil"}};
  auto bad_target = call_to(52, "sip:1000@tenant.test>;evil");
  auto uri_headers = call_to(58, "sip:1000@tenant.test?Call-ID=mine");
  auto not_a_number = call_to(59, "1000@elsewhere");
  auto no_sdp = call_to(53, "1000");
  no_sdp.sdp.clear();
  auto colon_password = call_to(54, "1000");
  colon_password.auth_user = "5001";
  colon_password.auth_password = "p:w";
  auto incoming_range = call_to(incoming_call_id_bit | 55, "1000");

  stack->hangup(12345);
  stack->answer(incoming_call_id_bit | 77, answer_sdp("sendrecv"));
  for (auto* c : {&bad_header, &header_injection, &bad_target, &uri_headers, &not_a_number, &no_sdp,
                  &colon_password, &incoming_range}) {
    stack->invite(*c);
  }
  // Commands run in order: once the last refusal is reported every earlier one was.
  auto last = calls.wait_for(54, call_event_kind::ended);
  CAF_REQUIRE(last);
  for (uint64_t id : {50, 51, 52, 53, 54, 58, 59}) {
    auto events = calls.of(id);
    CAF_REQUIRE_EQUAL(events.size(), 1u);
    CAF_CHECK_EQUAL(events[0].reason, "invalid_request");
    CAF_CHECK_EQUAL(events[0].status, 0);
  }
  CAF_CHECK_EQUAL(calls.size(), 7u);
  // Nothing reached the wire.
  CAF_CHECK(!proxy.receive(200ms));
}

CAF_TEST(stopping the stack hangs up a confirmed call without an event) {
  if (!have_sipp()) {
    return;
  }
  uint16_t port = 0;
  auto& uas = start_uas_scenario("uas_answer.xml", port);
  start_stack("127.0.0.1:" + std::to_string(port));

  stack->invite(call_to(56, "1000"));
  CAF_REQUIRE(calls.wait_for(56, call_event_kind::answered));
  stack.reset();
  expect_success(uas);
  CAF_CHECK(contains(uas.messages(), "BYE sip:"));
  CAF_CHECK(!calls.wait_for(56, call_event_kind::ended, 0ms));
}

// -- incoming calls -------------------------------------------------------------------------

CAF_TEST(an incoming call is answered and ended by the BYE of the caller) {
  if (!have_sipp()) {
    return;
  }
  start_stack("");
  auto& uac = start_uac("uac_call_dn.xml", ";wrtc-reg=7", {"-d", "200"});

  auto incoming = calls.wait_incoming();
  CAF_REQUIRE(incoming);
  CAF_CHECK(is_incoming_call_id(incoming->call_id));
  CAF_CHECK_EQUAL(incoming->registration_id, 7u);
  CAF_CHECK_EQUAL(incoming->request_user, "5001");
  CAF_CHECK_EQUAL(incoming->from_display, "SIPp Caller");
  CAF_CHECK(incoming->from_uri.rfind("sip:caller@127.0.0.1", 0) == 0);
  CAF_CHECK(incoming->to_uri.rfind("sip:5001@127.0.0.1", 0) == 0);
  CAF_CHECK(!incoming->sip_call_id.empty());
  CAF_CHECK(contains(incoming->sdp, "a=rtpmap:8 PCMA/8000"));

  uint64_t id = incoming->call_id;
  stack->respond(id, 180, "");
  stack->respond(id, 183, "", answer_sdp("sendrecv"));
  stack->answer(id, answer_sdp("sendrecv"));
  auto answered = calls.wait_for(id, call_event_kind::answered);
  CAF_REQUIRE(answered);
  CAF_CHECK_EQUAL(answered->status, 200);
  auto ended = calls.wait_for(id, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "remote_bye");
  CAF_CHECK_EQUAL(ended->status, 0);
  expect_success(uac);
  CAF_CHECK_EQUAL(calls.of(id).size(), 3u);

  std::string wire = uac.messages();
  CAF_CHECK(contains(wire, "SIP/2.0 180 Ringing"));
  CAF_CHECK(contains(wire, "SIP/2.0 183 Session Progress"));
  CAF_CHECK(contains(wire, "Contact: <sip:5001@127.0.0.1:" + std::to_string(stack->port()) + ">"));
  CAF_CHECK(contains(wire, "m=audio 40002 RTP/AVP 0 101"));
  // A hangup after the end is ignored: no second `ended`.
  stack->hangup(id);
  stack->invite(call_to(57, ""));
  CAF_REQUIRE(calls.wait_for(57, call_event_kind::ended));
  CAF_CHECK_EQUAL(calls.of(id).size(), 3u);
}

CAF_TEST(an incoming call without the registration parameter reports registration 0) {
  if (!have_sipp()) {
    return;
  }
  start_stack("");
  auto& uac = start_uac("uac_call_dn.xml", "");
  auto incoming = calls.wait_incoming();
  CAF_REQUIRE(incoming);
  CAF_CHECK_EQUAL(incoming->registration_id, 0u);
  stack->answer(incoming->call_id, answer_sdp("sendrecv"));
  CAF_REQUIRE(calls.wait_for(incoming->call_id, call_event_kind::ended));
  expect_success(uac);
}

CAF_TEST(an incoming call cancelled by the caller ends remote_cancel) {
  if (!have_sipp()) {
    return;
  }
  start_stack("");
  auto& uac = start_uac("uac_call_then_cancel.xml", ";wrtc-reg=7");

  auto incoming = calls.wait_incoming();
  CAF_REQUIRE(incoming);
  stack->respond(incoming->call_id, 180, "Ringing");
  auto ended = calls.wait_for(incoming->call_id, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "remote_cancel");
  CAF_CHECK_EQUAL(ended->status, 487);
  expect_success(uac);
  // Too late: the answer is ignored.
  stack->answer(incoming->call_id, answer_sdp("sendrecv"));
}

CAF_TEST(an incoming call rejected by the application ends local_reject) {
  if (!have_sipp()) {
    return;
  }
  start_stack("");
  auto& uac = start_uac("uac_call_dn.xml", ";wrtc-reg=7");

  auto incoming = calls.wait_incoming();
  CAF_REQUIRE(incoming);
  stack->respond(incoming->call_id, 603, "Agent Declined");
  auto ended = calls.wait_for(incoming->call_id, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "local_reject");
  CAF_CHECK_EQUAL(ended->status, 603);
  // The scenario expects a 200: SIPp fails, but it saw our decline.
  CAF_CHECK(uac.wait_exit().has_value());
  CAF_CHECK(contains(uac.messages(), "SIP/2.0 603 Agent Declined"));
}

CAF_TEST(hanging up an unanswered incoming call answers it 480) {
  if (!have_sipp()) {
    return;
  }
  start_stack("");
  auto& uac = start_uac("uac_call_dn.xml", ";wrtc-reg=7");

  auto incoming = calls.wait_incoming();
  CAF_REQUIRE(incoming);
  stack->hangup(incoming->call_id);
  auto ended = calls.wait_for(incoming->call_id, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "local_hangup");
  CAF_CHECK_EQUAL(ended->status, 480);
  CAF_CHECK(uac.wait_exit().has_value());
  CAF_CHECK(contains(uac.messages(), "SIP/2.0 480 Temporarily Unavailable"));
}

CAF_TEST(an incoming call left unanswered is answered 480 by the stack) {
  if (!have_sipp()) {
    return;
  }
  cfg.answer_timeout = 300ms;
  start_stack("");
  auto& uac = start_uac("uac_call_dn.xml", ";wrtc-reg=7");

  auto incoming = calls.wait_incoming();
  CAF_REQUIRE(incoming);
  stack->respond(incoming->call_id, 180, "");
  auto ended = calls.wait_for(incoming->call_id, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "timeout");
  CAF_CHECK_EQUAL(ended->status, 480);
  CAF_CHECK(uac.wait_exit().has_value());
  CAF_CHECK(contains(uac.messages(), "SIP/2.0 480 Temporarily Unavailable"));
}

CAF_TEST(an incoming call reports INFO DTMF) {
  if (!have_sipp()) {
    return;
  }
  start_stack("");
  auto& uac = start_uac("uac_info_dtmf.xml", ";wrtc-reg=7");

  auto incoming = calls.wait_incoming();
  CAF_REQUIRE(incoming);
  uint64_t id = incoming->call_id;
  stack->answer(id, answer_sdp("sendrecv"));
  CAF_REQUIRE(calls.wait_for(id, call_event_kind::ended));
  expect_success(uac);
  std::vector<call_event> dtmf;
  for (const auto& e : calls.of(id)) {
    if (e.kind == call_event_kind::info_dtmf) {
      dtmf.push_back(e);
    }
  }
  CAF_REQUIRE_EQUAL(dtmf.size(), 2u);
  CAF_CHECK_EQUAL(dtmf[0].dtmf_digit, '5');
  CAF_CHECK_EQUAL(dtmf[0].dtmf_duration_ms, 160);
  CAF_CHECK_EQUAL(dtmf[1].dtmf_digit, '#');
  CAF_CHECK_EQUAL(dtmf[1].dtmf_duration_ms, 0);
}

CAF_TEST(an incoming call is put on hold and taken off with re - INVITEs) {
  if (!have_sipp()) {
    return;
  }
  start_stack("");
  auto& uac = start_uac("uac_reinvite_hold.xml", ";wrtc-reg=7");

  auto incoming = calls.wait_incoming();
  CAF_REQUIRE(incoming);
  uint64_t id = incoming->call_id;
  stack->answer(id, answer_sdp("sendrecv"));

  auto hold = calls.wait_for(id, call_event_kind::reinvite);
  CAF_REQUIRE(hold);
  CAF_CHECK(contains(hold->sdp, "a=sendonly"));
  stack->answer_reinvite(id, answer_sdp("recvonly"));

  auto unhold = calls.wait_for([id](const call_event& e) {
    return e.call_id == id && e.kind == call_event_kind::reinvite && contains(e.sdp, "a=sendrecv");
  });
  CAF_REQUIRE(unhold);
  stack->answer_reinvite(id, answer_sdp("sendrecv"));

  auto ended = calls.wait_for(id, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "remote_bye");
  expect_success(uac);
  CAF_CHECK(contains(uac.messages(), "a=recvonly"));
}

CAF_TEST(a refused re - INVITE leaves the call up) {
  if (!have_sipp()) {
    return;
  }
  start_stack("");
  auto& uac = start_uac("uac_reinvite_hold.xml", ";wrtc-reg=7");

  auto incoming = calls.wait_incoming();
  CAF_REQUIRE(incoming);
  uint64_t id = incoming->call_id;
  stack->answer(id, answer_sdp("sendrecv"));
  CAF_REQUIRE(calls.wait_for(id, call_event_kind::reinvite));
  stack->respond_reinvite(id, 488, "");
  // The scenario wanted a 200: SIPp gives up on the call with a BYE of its own.
  auto ended = calls.wait_for(id, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "remote_bye");
  CAF_CHECK(uac.wait_exit().has_value());
  CAF_CHECK(contains(uac.messages(), "SIP/2.0 488 Not Acceptable Here"));
}

CAF_TEST(incoming INVITEs asking for what the stack lacks are rejected before any event) {
  start_stack("");
  udp_peer caller;
  caller.send_to(stack->port(), caller.invite(stack->port(), "", "late-offer", "", ""));
  auto late = caller.final_response();
  CAF_REQUIRE(late);
  CAF_CHECK(late->rfind("SIP/2.0 488 ", 0) == 0);

  caller.send_to(stack->port(), caller.invite(stack->port(), "", "not-sdp", "text/plain", "hello"));
  auto other = caller.final_response();
  CAF_REQUIRE(other);
  CAF_CHECK(other->rfind("SIP/2.0 415 ", 0) == 0);
  CAF_CHECK(contains(*other, "Accept: application/sdp"));

  std::string reliable =
      caller.invite(stack->port(), "", "needs-100rel", "application/sdp", offer_sdp);
  reliable.insert(reliable.find("Contact:"), "Require: 100rel\r\n");
  caller.send_to(stack->port(), reliable);
  auto extension = caller.final_response();
  CAF_REQUIRE(extension);
  CAF_CHECK(extension->rfind("SIP/2.0 420 ", 0) == 0);
  CAF_CHECK_EQUAL(calls.size(), 0u);
}

CAF_TEST(without a call listener incoming INVITEs are answered 480) {
  start_stack("", false);
  udp_peer caller;
  caller.send_to(stack->port(), caller.invite(stack->port(), ";wrtc-reg=1", "no-listener",
                                              "application/sdp", offer_sdp));
  auto answer = caller.final_response();
  CAF_REQUIRE(answer);
  CAF_CHECK(answer->rfind("SIP/2.0 480 ", 0) == 0);
}

CAF_TEST(malformed requests do not stop the stack from taking calls) {
  start_stack("");
  udp_peer hostile;
  for (const std::string& junk :
       {std::string("\x00\x01\x02garbage", 10), std::string("INVITE\r\n\r\n"),
        std::string("INVITE sip:5001@127.0.0.1 SIP/2.0\r\nVia: nonsense\r\n"
                    "Content-Length: 99999\r\n\r\nv=0"),
        std::string("SIP/2.0 200 OK\r\nCall-ID: nobody\r\n\r\n")}) {
    hostile.send_to(stack->port(), junk);
  }
  std::string no_call_id = hostile.invite(stack->port(), "", "x", "application/sdp", offer_sdp);
  no_call_id.erase(no_call_id.find("Call-ID: x\r\n"), 12);
  hostile.send_to(stack->port(), no_call_id);
  std::string bad_uri =
      hostile.invite(stack->port(), ";wrtc-reg=abc", "bad-reg", "application/sdp", offer_sdp);
  hostile.send_to(stack->port(), bad_uri);

  // The last one was well-formed: it becomes a call, with a registration id of 0.
  auto incoming = calls.wait_incoming();
  CAF_REQUIRE(incoming);
  CAF_CHECK_EQUAL(incoming->sip_call_id, "bad-reg");
  CAF_CHECK_EQUAL(incoming->registration_id, 0u);
  stack->respond(incoming->call_id, 486, "");
  auto ended = calls.wait_for(incoming->call_id, call_event_kind::ended);
  CAF_REQUIRE(ended);
  CAF_CHECK_EQUAL(ended->reason, "local_reject");
  CAF_CHECK_EQUAL(ended->status, 486);
  CAF_CHECK(!ended->phrase.empty());
  CAF_CHECK_EQUAL(calls.size(), 2u);
}

// -- registrations --------------------------------------------------------------------------

CAF_TEST(registrations put their id into the Contact) {
  if (!have_sipp()) {
    return;
  }
  uint16_t port = 0;
  auto& registrar = start_uas_scenario("registrar_200.xml", port);
  start_stack("127.0.0.1:" + std::to_string(port));

  stack->register_aor({42, "5001", "tenant.test", "", ""});
  std::optional<registration_event> outcome;
  eventually([&] {
    std::lock_guard<std::mutex> guard(registrations_mtx);
    if (!registrations.empty()) {
      outcome = registrations.front();
    }
    return outcome.has_value();
  });
  CAF_REQUIRE(outcome);
  CAF_CHECK(outcome->outcome == registration_outcome::registered);
  CAF_CHECK(contains(registrar.messages(), "Contact: <sip:5001@127.0.0.1:" +
                                               std::to_string(stack->port()) + ";wrtc-reg=42>"));
}

// -- DTMF bodies ----------------------------------------------------------------------------

CAF_TEST(DTMF INFO bodies are read in both formats) {
  auto relay = parse_dtmf_info("application/dtmf-relay", "Signal= 9\r\nDuration= 250\r\n");
  CAF_REQUIRE(relay);
  CAF_CHECK_EQUAL(relay->digit, '9');
  CAF_CHECK_EQUAL(relay->duration_ms, 250);
  auto star = parse_dtmf_info("Application/DTMF-Relay", "Duration=100\nSignal=10\n");
  CAF_REQUIRE(star);
  CAF_CHECK_EQUAL(star->digit, '*');
  auto letter = parse_dtmf_info("application/dtmf", "d\r\n");
  CAF_REQUIRE(letter);
  CAF_CHECK_EQUAL(letter->digit, 'D');
  CAF_CHECK(!parse_dtmf_info("application/dtmf-relay", "Duration=100\r\n"));
  CAF_CHECK(!parse_dtmf_info("application/dtmf-relay", "Signal=E\r\n"));
  CAF_CHECK(!parse_dtmf_info("application/dtmf-relay", "Signal=1\r\nDuration=-5\r\n"));
  CAF_CHECK(!parse_dtmf_info("application/dtmf", "16"));
  CAF_CHECK(!parse_dtmf_info("text/plain", "Signal=1"));
}

CAF_TEST_FIXTURE_SCOPE_END()
