// wrtc-gateway: the WebRTC-to-SIP gateway process.
#include <csignal>
#include <cstring>
#include <iostream>

#include <caf/actor_system.hpp>

#include "apps/gateway/gateway_config.hpp"
#include "apps/gateway/gateway_node.hpp"
#include "protocols/log/json_logger.hpp"

namespace {

bool asked_for_help(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0 ||
        std::strcmp(argv[i], "-?") == 0)
      return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace wrtc;
  // Every thread started below inherits this mask; the main thread alone waits for the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  gateway::gateway_config cfg;
  if (auto err = cfg.parse(argc, argv)) {
    std::cerr << "wrtc-gateway: " << cfg.render(err) << std::endl;
    return 2;
  }
  if (cfg.cli_helptext_printed) return asked_for_help(argc, argv) ? 0 : 2;
  if (!cfg.remainder.empty()) {
    std::cerr << "wrtc-gateway: unexpected argument '" << cfg.remainder.front()
              << "' (options are --group.name=value)" << std::endl;
    return 2;
  }
  if (auto problem = cfg.validate_and_load_secrets(); !problem.empty()) {
    std::cerr << "wrtc-gateway: " << problem << std::endl;
    return 2;
  }
  auto& logger = log::json_logger::instance();
  std::string err;
  if (!logger.open(cfg.log_path, err)) {
    std::cerr << "wrtc-gateway: gateway.log-path: " << err << std::endl;
    return 2;
  }
  log::level lvl = log::level::info;
  log::parse_level(cfg.log_level, lvl);
  logger.set_min_level(lvl);
  logger.set_static_field("service", "wrtc-gateway");
  logger.set_static_field("color", cfg.color);

  int rc = 0;
  {
    caf::actor_system sys{cfg};
    gateway::gateway_node node{sys, cfg};
    if (auto failure = node.start(); !failure.empty()) {
      std::cerr << "wrtc-gateway: " << failure << std::endl;
      log::error("gateway failed to start", {{"reason", failure}});
      node.stop(std::chrono::seconds{0});
      rc = 1;
    } else {
      int sig = 0;
      sigwait(&signals, &sig);
      log::info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      node.stop(std::chrono::seconds{5});
    }
  }
  return rc;
}
