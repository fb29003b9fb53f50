// Actor system configuration shared by the unit suites: the gateway's message types.
#pragma once

#include <optional>

#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/test/dsl.hpp>

#include "actors/messages.hpp"
#include "protocols/metrics/gateway_metrics.hpp"
#include <nlohmann/json.hpp>

namespace wrtc::test {

struct test_config : caf::actor_system_config {
  test_config() { register_message_types(*this); }
};

/// The answer to a request made with `fixture::ask`: empty until it arrives.
template <class T>
using pending = std::shared_ptr<std::optional<caf::expected<T>>>;

struct fixture : test_coordinator_fixture<test_config> {
  /// Delivers every queued message without firing timers (run() also fires timers, which never
  /// ends while actors keep periodic ones).
  void dispatch() {
    while (consume_message()) {
      // nop
    }
  }

  /// Stops actors at the end of a test so that the base fixture's final run() finds no timer
  /// that reschedules itself.
  void stop(std::initializer_list<caf::actor> actors) {
    for (const auto& a : actors) {
      if (a) self->send_exit(a, caf::exit_reason::kill);
    }
    dispatch();
  }

  /// Sends a request from a fresh event-based actor (the fixture's own `self` is blocking) and
  /// returns where its answer lands once the scheduler ran.
  template <class T, class... Ts>
  pending<T> ask(caf::actor dest, Ts... xs) {
    auto result = std::make_shared<std::optional<caf::expected<T>>>();
    sys.spawn([=](caf::event_based_actor* client) {
      client->request(dest, caf::infinite, xs...)
        .then([=](T& x) { *result = std::move(x); },
              [=](caf::error& e) { *result = caf::expected<T>{std::move(e)}; });
    });
    return result;
  }

  /// Like ask(), then runs the scheduler and requires an answer.
  template <class T, class... Ts>
  caf::expected<T> ask_now(caf::actor dest, Ts... xs) {
    auto p = ask<T>(std::move(dest), std::move(xs)...);
    dispatch();
    CAF_REQUIRE(p->has_value());
    return std::move(**p);
  }
};

/// An HTTP exchange whose answer is captured for inspection.
struct captured_exchange {
  http_exchange_ptr ex = std::make_shared<http_exchange>();
  std::shared_ptr<std::vector<http::response>> answers =
    std::make_shared<std::vector<http::response>>();

  captured_exchange() {
    auto sink = answers;
    ex->send = [sink](http::response&& r) { sink->push_back(std::move(r)); };
  }

  bool answered() const { return !answers->empty(); }
  int status() const { return answers->empty() ? 0 : answers->back().status; }
  const std::string& body() const { return answers->back().body; }
};

}  // namespace wrtc::test
