// Parsing and checking of `wrtc-loadgen signin` options.
#include "apps/loadgen/signin_options.hpp"

#include <charconv>
#include <string_view>

namespace wrtc::loadgen {

namespace {

template <class T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty()) {
    return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

bool parse_watch(std::string_view text, watched_process& out) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return false;
  }
  out.name = std::string{text.substr(0, eq)};
  auto list = text.substr(eq + 1);
  while (!list.empty()) {
    auto comma = list.find(',');
    int pid = 0;
    if (!parse_number(list.substr(0, comma), pid) || pid <= 0) {
      return false;
    }
    out.pids.push_back(pid);
    if (comma == std::string_view::npos) {
      break;
    }
    list.remove_prefix(comma + 1);
  }
  return !out.pids.empty();
}

}  // namespace

const char* signin_options::usage() {
  return "usage: wrtc-loadgen signin --gateway http://127.0.0.1:8086 --agents N --concurrency C\n"
         "         [--token-prefix agent-] [--dn-base 100000] [--hold-seconds 5]\n"
         "         [--gateway-pid PID] [--metrics http://127.0.0.1:10052/metrics]\n"
         "         [--watch name=PID[,PID...]]... [--request-timeout 30] [--poll-timeout 50]\n"
         "         [--deadline-seconds S] [--json]\n"
         "Signs in N agents (at most C at once), keeps a long-poll open per agent, holds, signs\n"
         "everyone out and reports rates, latency, errors and the gateway's memory per agent.\n"
         "Exit 0: every request succeeded; 1: some failed (all counted in the report); 2: usage;\n"
         "3: the machine cannot hold N connections.\n";
}

std::optional<signin_options> signin_options::parse(const std::vector<std::string>& args,
                                                    std::string& error) {
  signin_options opts;
  bool have_gateway = false;
  bool have_agents = false;
  bool have_concurrency = false;
  long long hold = opts.hold.count();
  long long request_timeout = opts.request_timeout.count();
  long long deadline = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::string_view value;
    bool inline_value = false;
    if (auto eq = arg.find('='); arg.substr(0, 2) == "--" && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inline_value = true;
    }
    auto take_value = [&]() -> bool {
      if (inline_value) {
        return true;
      }
      if (i + 1 >= args.size()) {
        error = std::string{arg} + " needs a value";
        return false;
      }
      value = args[++i];
      return true;
    };
    auto bad = [&](const char* expected) {
      error = std::string{arg} + ": expected " + expected + ", got '" + std::string{value} + "'";
      return std::nullopt;
    };
    if (arg == "--json") {
      if (inline_value) {
        return bad("no value");
      }
      opts.json = true;
      continue;
    }
    if (!take_value()) {
      return std::nullopt;
    }
    if (arg == "--gateway") {
      auto url = http_url::parse(value);
      if (!url) {
        return bad("http://host:port");
      }
      opts.gateway = *url;
      have_gateway = true;
    } else if (arg == "--agents") {
      if (!parse_number(value, opts.agents) || opts.agents == 0 || opts.agents > max_agents) {
        return bad("1..1000000");
      }
      have_agents = true;
    } else if (arg == "--concurrency") {
      if (!parse_number(value, opts.concurrency) || opts.concurrency == 0 ||
          opts.concurrency > max_concurrency) {
        return bad("1..10000");
      }
      have_concurrency = true;
    } else if (arg == "--token-prefix") {
      opts.token_prefix = std::string{value};
      for (char c : opts.token_prefix) {
        if (c <= ' ' || c == 0x7f) {
          return bad("a token prefix without spaces or control characters");
        }
      }
    } else if (arg == "--dn-base") {
      if (!parse_number(value, opts.dn_base) || opts.dn_base > 1000000000000000000ULL) {
        return bad("a non-negative integer");
      }
    } else if (arg == "--hold-seconds") {
      if (!parse_number(value, hold) || hold < 0 || hold > 86400) {
        return bad("0..86400");
      }
    } else if (arg == "--gateway-pid") {
      int pid = 0;
      if (!parse_number(value, pid) || pid <= 0) {
        return bad("a process id");
      }
      opts.gateway_pid = pid;
    } else if (arg == "--metrics") {
      auto url = http_url::parse(value);
      if (!url) {
        return bad("http://host:port/metrics");
      }
      opts.metrics = *url;
    } else if (arg == "--watch") {
      watched_process w;
      if (!parse_watch(value, w)) {
        return bad("name=PID[,PID...]");
      }
      opts.watched.push_back(std::move(w));
    } else if (arg == "--request-timeout") {
      if (!parse_number(value, request_timeout) || request_timeout < 1 || request_timeout > 600) {
        return bad("1..600 seconds");
      }
    } else if (arg == "--poll-timeout") {
      if (!parse_number(value, opts.poll_timeout) || opts.poll_timeout > 50) {
        return bad("0..50");
      }
    } else if (arg == "--deadline-seconds") {
      if (!parse_number(value, deadline) || deadline < 1 || deadline > 172800) {
        return bad("1..172800 seconds");
      }
    } else {
      error = "unknown option " + std::string{arg};
      return std::nullopt;
    }
  }
  if (!have_gateway || !have_agents || !have_concurrency) {
    error = "--gateway, --agents and --concurrency are required";
    return std::nullopt;
  }
  if (opts.concurrency > opts.agents) {
    opts.concurrency = opts.agents;
  }
  opts.hold = std::chrono::seconds{hold};
  opts.request_timeout = std::chrono::seconds{request_timeout};
  // Generous by default: both phases at 10 requests/s in the worst case, the hold, and slack.
  auto derived = static_cast<long long>(opts.agents / 5) + hold + 120;
  opts.deadline = std::chrono::seconds{deadline > 0 ? deadline : derived};
  return opts;
}

}  // namespace wrtc::loadgen
