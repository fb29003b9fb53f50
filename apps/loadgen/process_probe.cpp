// Reading RSS and CPU time from /proc/<pid>/status, /proc/<pid>/stat and its tasks.
#include "apps/loadgen/process_probe.hpp"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wrtc::loadgen {

namespace {

double ticks_per_second() {
  static const double value = [] {
    auto ticks = sysconf(_SC_CLK_TCK);
    return ticks > 0 ? static_cast<double>(ticks) : 100.0;
  }();
  return value;
}

std::optional<std::string> slurp(const std::filesystem::path& path) {
  std::ifstream in{path};
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A stat line is `pid (comm) state f4 ... f14=utime f15=stime ...`; comm may hold spaces and
// parentheses, so the fields are counted from the last ')'.
bool parse_stat(const std::string& line, std::string& name, double& seconds) {
  auto open = line.find('(');
  auto close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return false;
  }
  name = line.substr(open + 1, close - open - 1);
  std::istringstream rest{line.substr(close + 1)};
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  // Fields after comm start at 3 (state); utime is 14, stime 15.
  for (int index = 3; index <= 15 && rest >> field; ++index) {
    if (index == 14) {
      utime = std::stoull(field);
    }
    if (index == 15) {
      stime = std::stoull(field);
    }
    if (index == 15) {
      seconds = static_cast<double>(utime + stime) / ticks_per_second();
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<long> process_probe::rss_kib(int pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) != 0) {
      continue;
    }
    std::istringstream fields{line.substr(6)};
    long kib = 0;
    std::string unit;
    if (fields >> kib >> unit && unit == "kB") {
      return kib;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<double> process_probe::cpu_seconds(int pid) {
  auto line = slurp("/proc/" + std::to_string(pid) + "/stat");
  std::string name;
  double seconds = 0;
  if (!line || !parse_stat(*line, name, seconds)) {
    return std::nullopt;
  }
  return seconds;
}

std::vector<process_probe::thread_time> process_probe::threads(int pid) {
  std::vector<thread_time> out;
  std::error_code ec;
  std::filesystem::directory_iterator tasks{"/proc/" + std::to_string(pid) + "/task", ec};
  if (ec) {
    return out;
  }
  for (const auto& task : tasks) {
    thread_time t;
    auto tid_text = task.path().filename().string();
    auto [end, parse_ec] =
        std::from_chars(tid_text.data(), tid_text.data() + tid_text.size(), t.tid);
    if (parse_ec != std::errc{}) {
      continue;
    }
    auto line = slurp(task.path() / "stat");
    if (line && parse_stat(*line, t.name, t.cpu_seconds)) {
      out.push_back(std::move(t));
    }
  }
  return out;
}

int process_probe::self() {
  return static_cast<int>(getpid());
}

}  // namespace wrtc::loadgen
