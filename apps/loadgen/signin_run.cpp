// The sign-in scenario's phases: sign in, settle, hold, measure, sign out, drain.
#include "apps/loadgen/signin_run.hpp"

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>
#include <utility>

#include "apps/loadgen/process_probe.hpp"
#include "apps/loadgen/prometheus_sample.hpp"

namespace wrtc::loadgen {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using clock_type = std::chrono::steady_clock;

namespace {

// How long signed-in agents may take to receive their registered event before the hold starts
// anyway (the ones that did not are reported as not idle).
constexpr auto settle_limit = std::chrono::seconds{60};

// How long after the last sign-out answer the parked polls may take to receive session.ended.
constexpr auto drain_limit = std::chrono::seconds{15};

constexpr auto metrics_timeout = std::chrono::seconds{10};

constexpr auto progress_interval = std::chrono::seconds{10};

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// The value of `WRTC_SESSION` in the answer's Set-Cookie headers; empty when there is none.
std::string session_cookie(const http::response<http::string_body>& response) {
  constexpr std::string_view name = "WRTC_SESSION=";
  for (auto [it, end] = response.equal_range(http::field::set_cookie); it != end; ++it) {
    std::string_view value = it->value();
    auto start = value.find_first_not_of(' ');
    if (start == std::string_view::npos) {
      continue;
    }
    value.remove_prefix(start);
    if (value.substr(0, name.size()) != name) {
      continue;
    }
    value.remove_prefix(name.size());
    return std::string{value.substr(0, value.find(';'))};
  }
  return {};
}

}  // namespace

signin_run::signin_run(asio::io_context& io, const signin_options& options,
                       const asio::ip::tcp::endpoint& gateway,
                       std::optional<asio::ip::tcp::endpoint> metrics)
    : io_(io),
      options_(options),
      metrics_endpoint_(std::move(metrics)),
      deadline_(io),
      phase_timer_(io),
      progress_timer_(io),
      signals_(io, SIGINT, SIGTERM) {
  agent_settings_.io = &io_;
  agent_settings_.gateway = gateway;
  agent_settings_.host = options.gateway.authority();
  agent_settings_.poll_timeout = options.poll_timeout;
  agent_settings_.listener = this;
  agents_.reserve(options.agents);
  for (std::size_t i = 0; i < options.agents; ++i) {
    agents_.push_back(std::make_unique<simulated_agent>(agent_settings_, i,
                                                        options.token_prefix + std::to_string(i),
                                                        std::to_string(options.dn_base + i)));
  }
  for (std::size_t i = 0; i < options.concurrency; ++i) {
    pool_.push_back(std::make_unique<keepalive_connection>(io_, gateway));
  }
  signout_sent_.assign(options.agents, false);
  settled_agent_.assign(options.agents, false);
}

signin_report signin_run::execute(uint64_t open_file_limit) {
  report_.gateway = "http://" + options_.gateway.authority();
  report_.agents = options_.agents;
  report_.concurrency = options_.concurrency;
  report_.hold_seconds = options_.hold.count();
  report_.open_file_limit = open_file_limit;
  report_.gateway_pid = options_.gateway_pid;
  report_.metrics_checked = options_.metrics.has_value();
  if (options_.gateway_pid) {
    report_.rss_before_kib = process_probe::rss_kib(*options_.gateway_pid);
  }

  deadline_.expires_after(options_.deadline);
  deadline_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) {
      abort("deadline of " + std::to_string(options_.deadline.count()) + " s exceeded");
    }
  });
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (!ec) {
      abort("interrupted by signal " + std::to_string(sig));
    }
  });
  progress();

  std::cerr << "wrtc-loadgen: signing in " << options_.agents << " agents, " << options_.concurrency
            << " at a time\n";
  signin_cpu_start_ = take_cpu_snapshot();
  phase_started_ = clock_type::now();
  for (std::size_t slot = 0; slot < pool_.size(); ++slot) {
    next_signin(slot);
  }
  io_.run();
  return std::move(report_);
}

// -- sign-in ----------------------------------------------------------------------------------

keepalive_connection::request signin_run::make_request(http::verb verb,
                                                       const std::string& target) const {
  keepalive_connection::request req{verb, target, 11};
  req.set(http::field::host, agent_settings_.host);
  req.set(http::field::user_agent, "wrtc-loadgen");
  req.keep_alive(true);
  return req;
}

void signin_run::next_signin(std::size_t slot) {
  if (phase_ != phase::signing_in) {
    return;
  }
  if (next_agent_ >= agents_.size()) {
    if (in_flight_ == 0) {
      signin_phase_done();
    }
    return;
  }
  auto index = next_agent_++;
  auto& agent = *agents_[index];
  auto req = make_request(http::verb::post, "/v1/sign-in");
  req.set(http::field::authorization, "Bearer " + agent.token());
  req.set(http::field::content_type, "application/json");
  req.body() = R"({"dn":")" + agent.dn() + R"("})";
  req.prepare_payload();
  ++in_flight_;
  ++report_.signin.attempted;
  pool_[slot]->exchange(
      std::move(req), options_.request_timeout,
      [this, slot, index](exchange_result r) { on_signin(slot, index, std::move(r)); });
}

void signin_run::on_signin(std::size_t slot, std::size_t index, exchange_result result) {
  --in_flight_;
  auto& agent = *agents_[index];
  auto context = "POST /v1/sign-in dn=" + agent.dn();
  if (result.status() != 200) {
    report_.signin.failures.add(result, context);
    next_signin(slot);
    return;
  }
  auto body = nlohmann::json::parse(result.response.body(), nullptr, false);
  auto cookie = session_cookie(result.response);
  std::string problem;
  if (!body.is_object() || !body.contains("session") || !body["session"].is_string()) {
    problem = "200 without a session in the body";
  } else if (cookie.empty()) {
    problem = "200 without a WRTC_SESSION cookie";
  } else if (cookie != body["session"].get<std::string>()) {
    problem = "200 with a WRTC_SESSION cookie unlike the body's session";
  }
  if (!problem.empty()) {
    report_.signin.failures.add(
        "bad_answer", context + ": " + problem + ": " + result.response.body().substr(0, 300));
    next_signin(slot);
    return;
  }
  ++report_.signin.succeeded;
  report_.signin.latency.add(result.elapsed);
  ++open_polls_;
  agent.start_polling(cookie);
  next_signin(slot);
}

void signin_run::signin_phase_done() {
  report_.signin.seconds = seconds_since(phase_started_);
  record_cpu(signin_cpu_start_);
  std::cerr << "wrtc-loadgen: sign-in phase done: " << report_.signin.succeeded << " of "
            << report_.signin.attempted << " in " << report_.signin.seconds << " s\n";
  phase_ = phase::settling;
  settle_started_ = clock_type::now();
  if (settled_ >= report_.signin.succeeded) {
    start_hold();
    return;
  }
  phase_timer_.expires_after(settle_limit);
  phase_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && phase_ == phase::settling) {
      start_hold();
    }
  });
}

// -- settling and holding ---------------------------------------------------------------------

void signin_run::agent_settled() {
  ++settled_;
  if (phase_ == phase::settling && settled_ >= report_.signin.succeeded) {
    phase_timer_.cancel();
    start_hold();
  }
}

void signin_run::start_hold() {
  report_.settle_seconds = seconds_since(settle_started_);
  phase_ = phase::holding;
  hold_started_ = clock_type::now();
  if (options_.gateway_pid) {
    hold_cpu_start_ = process_probe::cpu_seconds(*options_.gateway_pid);
  }
  std::cerr << "wrtc-loadgen: " << open_polls_ << " agents polling; holding "
            << options_.hold.count() << " s\n";
  phase_timer_.expires_after(options_.hold);
  phase_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && phase_ == phase::holding) {
      after_hold();
    }
  });
}

void signin_run::after_hold() {
  report_.agents_idle = static_cast<std::size_t>(
      std::count_if(agents_.begin(), agents_.end(), [](const auto& a) { return a->polling(); }));
  if (options_.gateway_pid) {
    report_.rss_idle_kib = process_probe::rss_kib(*options_.gateway_pid);
    auto cpu = process_probe::cpu_seconds(*options_.gateway_pid);
    auto seconds = seconds_since(hold_started_);
    if (cpu && hold_cpu_start_ && seconds > 0) {
      report_.gateway_idle_cpu_percent = 100.0 * (*cpu - *hold_cpu_start_) / seconds;
    }
  }
  if (metrics_endpoint_) {
    read_metrics();
  } else {
    start_signouts();
  }
}

void signin_run::read_metrics() {
  metrics_connection_ = std::make_unique<keepalive_connection>(io_, *metrics_endpoint_);
  auto req = make_request(http::verb::get, options_.metrics->target);
  req.set(http::field::host, options_.metrics->authority());
  metrics_connection_->exchange(std::move(req), metrics_timeout, [this](exchange_result r) {
    if (phase_ != phase::holding) {
      return;
    }
    if (r.status() != 200) {
      report_.metrics_error =
          r.answered() ? "metrics answered " + std::to_string(r.status()) : "metrics: " + r.detail;
    } else {
      report_.current_signins = prometheus_sample::find(r.response.body(), "wrtc_current_signins");
      if (!report_.current_signins) {
        report_.metrics_error = "wrtc_current_signins not exposed";
      }
    }
    metrics_connection_->close();
    start_signouts();
  });
}

// -- sign-out ---------------------------------------------------------------------------------

void signin_run::start_signouts() {
  phase_ = phase::signing_out;
  // Agents still polling hold a session (those whose polls fail keep retrying); the others saw
  // their session end or vanish and, like a desktop, have nothing left to sign out.
  for (const auto& agent : agents_) {
    if (agent->polling()) {
      signout_order_.push_back(agent->index());
    }
  }
  std::cerr << "wrtc-loadgen: signing out " << signout_order_.size() << " agents\n";
  next_agent_ = 0;
  in_flight_ = 0;
  phase_started_ = clock_type::now();
  for (std::size_t slot = 0; slot < pool_.size(); ++slot) {
    next_signout(slot);
  }
}

void signin_run::next_signout(std::size_t slot) {
  if (phase_ != phase::signing_out) {
    return;
  }
  if (next_agent_ >= signout_order_.size()) {
    if (in_flight_ == 0) {
      signout_phase_done();
    }
    return;
  }
  auto index = signout_order_[next_agent_++];
  auto& agent = *agents_[index];
  auto req = make_request(http::verb::delete_, "/v1/sessions/" + agent.session());
  req.set(http::field::cookie, "WRTC_SESSION=" + agent.session());
  signout_sent_[index] = true;
  ++in_flight_;
  ++report_.signout.attempted;
  pool_[slot]->exchange(
      std::move(req), options_.request_timeout,
      [this, slot, index](const exchange_result& r) { on_signout(slot, index, r); });
}

void signin_run::on_signout(std::size_t slot, std::size_t index, const exchange_result& result) {
  --in_flight_;
  if (result.status() == 204) {
    ++report_.signout.succeeded;
    report_.signout.latency.add(result.elapsed);
  } else {
    report_.signout.failures.add(result, "DELETE /v1/sessions/<s> dn=" + agents_[index]->dn());
  }
  next_signout(slot);
}

void signin_run::signout_phase_done() {
  report_.signout.seconds = seconds_since(phase_started_);
  phase_ = phase::draining;
  std::cerr << "wrtc-loadgen: sign-out phase done in " << report_.signout.seconds << " s\n";
  if (open_polls_ == 0) {
    finish();
    return;
  }
  phase_timer_.expires_after(drain_limit);
  phase_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && phase_ == phase::draining) {
      finish();
    }
  });
}

// -- agent_listener ---------------------------------------------------------------------------

void signin_run::on_registered(simulated_agent& agent) {
  if (!settled_agent_[agent.index()]) {
    settled_agent_[agent.index()] = true;
    agent_settled();
  }
}

void signin_run::on_poll_answered(simulated_agent&) {
  ++report_.polls_answered;
}

void signin_run::on_poll_failed(simulated_agent&, const exchange_result& result) {
  report_.poll_failures.add(result, "GET /v1/sessions/<s>/events");
}

void signin_run::on_session_ended(simulated_agent& agent, const std::string& reason) {
  if (signout_sent_[agent.index()]) {
    ++report_.signout_poll_endings["session.ended " + reason];
  } else {
    ++report_.lost_sessions["session.ended " + reason];
  }
  if (!signout_sent_[agent.index()] && !settled_agent_[agent.index()]) {
    settled_agent_[agent.index()] = true;
    agent_settled();
  }
  poll_closed();
}

void signin_run::on_session_unknown(simulated_agent& agent, const exchange_result&) {
  if (signout_sent_[agent.index()]) {
    ++report_.signout_poll_endings["404"];
  } else {
    ++report_.lost_sessions["404"];
  }
  if (!signout_sent_[agent.index()] && !settled_agent_[agent.index()]) {
    settled_agent_[agent.index()] = true;
    agent_settled();
  }
  poll_closed();
}

void signin_run::poll_closed() {
  --open_polls_;
  if (phase_ == phase::draining && open_polls_ == 0) {
    phase_timer_.cancel();
    finish();
  }
}

// -- the end ----------------------------------------------------------------------------------

void signin_run::finish() {
  if (phase_ == phase::done) {
    return;
  }
  phase_ = phase::done;
  if (options_.gateway_pid) {
    report_.rss_after_signout_kib = process_probe::rss_kib(*options_.gateway_pid);
  }
  report_.polls_open_after_signout = open_polls_;
  for (auto& agent : agents_) {
    agent->stop();
  }
  for (auto& connection : pool_) {
    connection->close();
  }
  if (metrics_connection_) {
    metrics_connection_->close();
  }
  deadline_.cancel();
  phase_timer_.cancel();
  progress_timer_.cancel();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  io_.stop();
}

void signin_run::abort(const std::string& why) {
  if (phase_ == phase::done) {
    return;
  }
  report_.aborted = why;
  std::cerr << "wrtc-loadgen: aborting: " << why << "\n";
  if (phase_ == phase::signing_in) {
    report_.signin.seconds = seconds_since(phase_started_);
    report_.signin.not_attempted = agents_.size() - next_agent_;
    for (std::size_t i = 0; i < in_flight_; ++i) {
      report_.signin.failures.add("aborted",
                                  "POST /v1/sign-in: no answer when the run ended: " + why);
    }
    record_cpu(signin_cpu_start_);
  } else if (phase_ == phase::signing_out) {
    report_.signout.seconds = seconds_since(phase_started_);
    report_.signout.not_attempted = signout_order_.size() - next_agent_;
    for (std::size_t i = 0; i < in_flight_; ++i) {
      report_.signout.failures.add("aborted", "DELETE: no answer when the run ended: " + why);
    }
  }
  if (phase_ == phase::settling || phase_ == phase::holding || phase_ == phase::signing_in) {
    report_.agents_idle = static_cast<std::size_t>(
        std::count_if(agents_.begin(), agents_.end(), [](const auto& a) { return a->polling(); }));
    // Left signed in: the gateway ends them after its poll grace period.
    report_.signout.not_attempted = report_.agents_idle;
  }
  finish();
}

void signin_run::progress() {
  progress_timer_.expires_after(progress_interval);
  progress_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || phase_ == phase::done) {
      return;
    }
    std::cerr << "wrtc-loadgen: signed in " << report_.signin.succeeded << "/" << options_.agents
              << ", sign-in errors " << report_.signin.failures.total() << ", polls open "
              << open_polls_ << ", poll errors " << report_.poll_failures.total() << ", signed out "
              << report_.signout.succeeded << "\n";
    progress();
  });
}

// -- CPU accounting ---------------------------------------------------------------------------

signin_run::cpu_snapshot signin_run::take_cpu_snapshot() const {
  cpu_snapshot snap;
  if (options_.gateway_pid) {
    snap.gateway = process_probe::cpu_seconds(*options_.gateway_pid);
    for (auto& t : process_probe::threads(*options_.gateway_pid)) {
      snap.gateway_threads[t.tid] = {t.name, t.cpu_seconds};
    }
  }
  for (const auto& w : options_.watched) {
    double sum = 0;
    for (int pid : w.pids) {
      sum += process_probe::cpu_seconds(pid).value_or(0);
    }
    snap.watched.push_back(sum);
  }
  snap.loadgen = process_probe::cpu_seconds(process_probe::self()).value_or(0);
  return snap;
}

void signin_run::record_cpu(const cpu_snapshot& start) {
  auto end = take_cpu_snapshot();
  if (start.gateway && end.gateway) {
    report_.gateway_cpu_seconds = *end.gateway - *start.gateway;
  }
  std::map<std::string, cpu_use> by_name;
  for (const auto& [tid, named] : end.gateway_threads) {
    auto before = start.gateway_threads.find(tid);
    double used =
        named.second - (before != start.gateway_threads.end() ? before->second.second : 0);
    auto& use = by_name[named.first];
    use.name = named.first;
    use.seconds += used;
    ++use.threads;
  }
  for (auto& [name, use] : by_name) {
    report_.gateway_threads.push_back(use);
  }
  std::sort(report_.gateway_threads.begin(), report_.gateway_threads.end(),
            [](const cpu_use& a, const cpu_use& b) { return a.seconds > b.seconds; });
  for (std::size_t i = 0; i < options_.watched.size(); ++i) {
    report_.watched.push_back({options_.watched[i].name, end.watched[i] - start.watched[i], 0});
  }
  report_.loadgen_cpu_seconds = end.loadgen - start.loadgen;
}

}  // namespace wrtc::loadgen
