// Entry point of wrtc-loadgen: picks the mode, checks the machine, runs, prints the report.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "apps/loadgen/open_file_limit.hpp"
#include "apps/loadgen/signin_options.hpp"
#include "apps/loadgen/signin_run.hpp"

namespace {

namespace asio = boost::asio;
using wrtc::loadgen::http_url;

constexpr int exit_failed_requests = 1;
constexpr int exit_usage = 2;
constexpr int exit_environment = 3;

// Sockets and files beyond the agents' own: the pool, the metrics page, stdio, /proc reads.
constexpr uint64_t spare_descriptors = 100;

std::optional<asio::ip::tcp::endpoint> resolve(asio::io_context& io, const http_url& url,
                                               std::string& error) {
  asio::ip::tcp::resolver resolver{io};
  boost::system::error_code ec;
  auto results = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec || results.empty()) {
    error = "cannot resolve " + url.host + ": " + ec.message();
    return std::nullopt;
  }
  for (const auto& entry : results) {
    if (entry.endpoint().address().is_v4()) {
      return entry.endpoint();
    }
  }
  return results.begin()->endpoint();
}

int run_signin(const std::vector<std::string>& args) {
  using namespace wrtc::loadgen;
  std::string error;
  auto options = signin_options::parse(args, error);
  if (!options) {
    std::cerr << "wrtc-loadgen signin: " << error << "\n" << signin_options::usage();
    return exit_usage;
  }
  auto limit = open_file_limit::raise_to_hard();
  if (!limit.error.empty()) {
    std::cerr << "wrtc-loadgen: " << limit.error << "\n";
  }
  auto needed = static_cast<uint64_t>(options->agents) + options->concurrency + spare_descriptors;
  if (needed > limit.soft) {
    std::cerr << "wrtc-loadgen: " << options->agents << " agents need " << needed
              << " open files (one socket per agent, " << options->concurrency << " pooled, "
              << spare_descriptors << " spare) but RLIMIT_NOFILE allows " << limit.soft
              << " (hard limit " << limit.hard
              << "); raise the hard limit (ulimit -Hn, LimitNOFILE=) or use fewer agents\n";
    return exit_environment;
  }
  asio::io_context io{1};
  auto gateway = resolve(io, options->gateway, error);
  if (!gateway) {
    std::cerr << "wrtc-loadgen: --gateway: " << error << "\n";
    return exit_usage;
  }
  std::optional<asio::ip::tcp::endpoint> metrics;
  if (options->metrics) {
    metrics = resolve(io, *options->metrics, error);
    if (!metrics) {
      std::cerr << "wrtc-loadgen: --metrics: " << error << "\n";
      return exit_usage;
    }
  }
  signin_report report;
  {
    signin_run run{io, *options, *gateway, metrics};
    report = run.execute(limit.soft);
  }
  if (options->json) {
    std::cout << report.to_json().dump() << std::endl;
  } else {
    std::cout << report.to_text() << std::flush;
  }
  return report.ok() ? 0 : exit_failed_requests;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "usage: wrtc-loadgen <mode> [options]\nmodes:\n  signin   sign agents in, keep "
                 "them polling, sign them out (wrtc-loadgen signin --help)\n";
    return args.empty() ? exit_usage : 0;
  }
  auto mode = args[0];
  args.erase(args.begin());
  if (mode == "signin") {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
      std::cout << wrtc::loadgen::signin_options::usage();
      return 0;
    }
    return run_signin(args);
  }
  std::cerr << "wrtc-loadgen: unknown mode '" << mode << "' (modes: signin)\n";
  return exit_usage;
}
