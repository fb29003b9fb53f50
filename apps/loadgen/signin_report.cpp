// Rendering of the sign-in run's figures.
#include "apps/loadgen/signin_report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace wrtc::loadgen {

namespace {

double round2(double value) {
  return std::round(value * 100.0) / 100.0;
}

std::string fixed(double value, int digits = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

std::string failures_text(const failure_tally& tally) {
  if (tally.total() == 0) {
    return "none";
  }
  std::string out;
  for (const auto& [key, e] : tally.entries()) {
    if (!out.empty()) {
      out += ", ";
    }
    out += key + ": " + std::to_string(e.count);
  }
  return out;
}

std::string map_text(const std::map<std::string, std::size_t>& m) {
  if (m.empty()) {
    return "none";
  }
  std::string out;
  for (const auto& [key, count] : m) {
    if (!out.empty()) {
      out += ", ";
    }
    out += key + ": " + std::to_string(count);
  }
  return out;
}

nlohmann::json cpu_json(const std::vector<cpu_use>& uses, double phase_seconds) {
  auto out = nlohmann::json::array();
  for (const auto& u : uses) {
    nlohmann::json j{{"name", u.name}, {"cpu_seconds", round2(u.seconds)}};
    if (u.threads > 0) {
      j["threads"] = u.threads;
    }
    if (phase_seconds > 0) {
      j["cpu_percent"] = round2(100.0 * u.seconds / phase_seconds);
    }
    out.push_back(std::move(j));
  }
  return out;
}

template <class T>
nlohmann::json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

std::optional<double> signin_report::rss_per_agent_kib() const {
  if (!rss_before_kib || !rss_idle_kib || agents == 0) {
    return std::nullopt;
  }
  return static_cast<double>(*rss_idle_kib - *rss_before_kib) / static_cast<double>(agents);
}

bool signin_report::metrics_match() const {
  return !metrics_checked ||
         (current_signins && *current_signins == static_cast<double>(signin.succeeded));
}

std::size_t signin_report::lost_session_count() const {
  std::size_t n = 0;
  for (const auto& [reason, count] : lost_sessions) {
    n += count;
  }
  return n;
}

bool signin_report::ok() const {
  return aborted.empty() && signin.failures.total() == 0 && signin.not_attempted == 0 &&
         signout.failures.total() == 0 && signout.not_attempted == 0 &&
         poll_failures.total() == 0 && lost_session_count() == 0 && polls_open_after_signout == 0 &&
         agents_idle == signin.succeeded && metrics_match();
}

nlohmann::json signin_report::to_json() const {
  nlohmann::json gateway_json{
      {"pid", optional_json(gateway_pid)},
      {"rss_before_kib", optional_json(rss_before_kib)},
      {"rss_idle_kib", optional_json(rss_idle_kib)},
      {"rss_after_signout_kib", optional_json(rss_after_signout_kib)},
      {"rss_per_agent_kib", rss_per_agent_kib() ? nlohmann::json(round2(*rss_per_agent_kib()))
                                                : nlohmann::json(nullptr)},
      {"signin_cpu_seconds", gateway_cpu_seconds ? nlohmann::json(round2(*gateway_cpu_seconds))
                                                 : nlohmann::json(nullptr)},
      {"signin_cpu_percent",
       gateway_cpu_seconds && signin.seconds > 0
           ? nlohmann::json(round2(100.0 * *gateway_cpu_seconds / signin.seconds))
           : nlohmann::json(nullptr)},
      {"signin_threads", cpu_json(gateway_threads, signin.seconds)},
      {"idle_cpu_percent", gateway_idle_cpu_percent
                               ? nlohmann::json(round2(*gateway_idle_cpu_percent))
                               : nlohmann::json(nullptr)},
  };
  nlohmann::json metrics_json = nullptr;
  if (metrics_checked) {
    metrics_json = {{"wrtc_current_signins", optional_json(current_signins)},
                    {"expected", signin.succeeded},
                    {"match", metrics_match()},
                    {"error", metrics_error}};
  }
  return {
      {"mode", "signin"},
      {"ok", ok()},
      {"aborted", aborted.empty() ? nlohmann::json(nullptr) : nlohmann::json(aborted)},
      {"gateway_url", gateway},
      {"agents", agents},
      {"concurrency", concurrency},
      {"hold_seconds", hold_seconds},
      {"open_file_limit", open_file_limit},
      {"signin", signin.to_json()},
      {"polling",
       {{"agents_idle", agents_idle},
        {"settle_seconds", round2(settle_seconds)},
        {"polls_answered", polls_answered},
        {"errors", poll_failures.counts_json()},
        {"error_examples", poll_failures.examples_json()},
        {"lost_sessions", lost_sessions},
        {"signout_poll_endings", signout_poll_endings},
        {"polls_open_after_signout", polls_open_after_signout}}},
      {"gateway", gateway_json},
      {"watched_signin_cpu", cpu_json(watched, signin.seconds)},
      {"loadgen_signin_cpu_seconds", round2(loadgen_cpu_seconds)},
      {"metrics", metrics_json},
      {"signout", signout.to_json()},
  };
}

std::string signin_report::to_text() const {
  std::ostringstream out;
  auto phase_lines = [&](const char* name, const char* unit, const phase_figures& f) {
    out << name << "  " << f.succeeded << " ok / " << f.attempted << " sent";
    if (f.not_attempted > 0) {
      out << " (" << f.not_attempted << " never sent)";
    }
    out << " in " << fixed(f.seconds, 2) << " s: " << fixed(f.per_second()) << " " << unit
        << "/s\n";
    if (f.latency.count() == 0) {
      out << "  latency  none succeeded\n";
    } else {
      out << "  latency  p50 " << fixed(f.latency.percentile_ms(50), 2) << " ms, p90 "
          << fixed(f.latency.percentile_ms(90), 2) << " ms, p99 "
          << fixed(f.latency.percentile_ms(99), 2) << " ms, max " << fixed(f.latency.max_ms(), 2)
          << " ms (successful requests)\n";
    }
    out << "  errors   " << failures_text(f.failures) << "\n";
    for (const auto& [key, e] : f.failures.entries()) {
      out << "    first " << key << ": " << e.example << "\n";
    }
  };
  out << "wrtc-loadgen signin: " << agents << " agents, concurrency " << concurrency << ", "
      << gateway << "\n";
  if (!aborted.empty()) {
    out << "ABORTED: " << aborted << "\n";
  }
  phase_lines("sign-in ", "sign-ins", signin);
  out << "polling   " << agents_idle << " agents idle with a poll open after a hold of "
      << hold_seconds << " s (all registered " << fixed(settle_seconds, 2)
      << " s after the sign-in phase); " << polls_answered << " polls answered\n";
  out << "  poll errors   " << failures_text(poll_failures) << "\n";
  for (const auto& [key, e] : poll_failures.entries()) {
    out << "    first " << key << ": " << e.example << "\n";
  }
  out << "  lost sessions " << map_text(lost_sessions) << "\n";
  if (gateway_pid) {
    auto kib = [](const std::optional<long>& v) {
      return v ? std::to_string(*v) + " KiB" : std::string{"unreadable"};
    };
    out << "gateway   pid " << *gateway_pid << ": RSS before " << kib(rss_before_kib) << ", idle "
        << kib(rss_idle_kib) << ", after sign-out " << kib(rss_after_signout_kib);
    if (gateway_idle_cpu_percent) {
      out << "; CPU while idle " << fixed(*gateway_idle_cpu_percent) << "% of one core";
    }
    if (auto per = rss_per_agent_kib()) {
      out << "; " << fixed(*per, 2) << " KiB per agent";
    }
    out << "\n";
    if (gateway_cpu_seconds && signin.seconds > 0) {
      out << "  sign-in CPU " << fixed(*gateway_cpu_seconds, 2) << " s ("
          << fixed(100.0 * *gateway_cpu_seconds / signin.seconds) << "% of one core);";
      for (const auto& t : gateway_threads) {
        out << " " << t.name << "[" << t.threads << "] "
            << fixed(100.0 * t.seconds / signin.seconds) << "%";
      }
      out << "\n";
    }
  }
  for (const auto& w : watched) {
    out << "watched   " << w.name << " sign-in CPU " << fixed(w.seconds, 2) << " s ("
        << fixed(signin.seconds > 0 ? 100.0 * w.seconds / signin.seconds : 0) << "% of one core)\n";
  }
  out << "loadgen   sign-in CPU " << fixed(loadgen_cpu_seconds, 2) << " s ("
      << fixed(signin.seconds > 0 ? 100.0 * loadgen_cpu_seconds / signin.seconds : 0)
      << "% of one core)\n";
  if (metrics_checked) {
    out << "metrics   wrtc_current_signins "
        << (current_signins ? fixed(*current_signins, 0) : std::string{"unreadable"})
        << ", expected " << signin.succeeded << ": " << (metrics_match() ? "match" : "MISMATCH");
    if (!metrics_error.empty()) {
      out << " (" << metrics_error << ")";
    }
    out << "\n";
  }
  phase_lines("sign-out", "sign-outs", signout);
  out << "  polls ended by " << map_text(signout_poll_endings) << "; still open "
      << polls_open_after_signout << "\n";
  out << "result    " << (ok() ? "ok" : "FAILED") << "\n";
  return out.str();
}

}  // namespace wrtc::loadgen
