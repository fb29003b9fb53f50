// JSON-lines logger implementation.
#include "protocols/log/json_logger.hpp"

#include <chrono>
#include <cstring>
#include <ctime>

namespace wrtc::log {

namespace {

constexpr std::string_view level_name(level lvl) {
  switch (lvl) {
    case level::debug:
      return "debug";
    case level::info:
      return "info";
    case level::warning:
      return "warning";
    case level::error:
      return "error";
  }
  return "info";
}

void append_timestamp(std::string& out) {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(ms));
  out += buf;
}

}  // namespace

std::string utc_timestamp() {
  std::string out;
  append_timestamp(out);
  return out;
}

bool parse_level(std::string_view text, level& out) {
  for (auto lvl : {level::debug, level::info, level::warning, level::error}) {
    if (text == level_name(lvl)) {
      out = lvl;
      return true;
    }
  }
  return false;
}

void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 0xf];
        } else {
          // Bytes >= 0x80 pass through; invalid UTF-8 from the network is replaced upstream.
          out += static_cast<char>(c);
        }
    }
  }
}

json_logger& json_logger::instance() {
  static json_logger logger;
  return logger;
}

json_logger::~json_logger() {
  if (out_ != stdout && out_ != nullptr) std::fclose(out_);
}

bool json_logger::open(const std::string& path, std::string& error) {
  std::FILE* next = stdout;
  if (!path.empty() && path != "stdout") {
    next = std::fopen(path.c_str(), "a");
    if (next == nullptr) {
      error = "cannot open log file " + path + ": " + std::strerror(errno);
      return false;
    }
  }
  std::lock_guard<std::mutex> guard{mtx_};
  if (out_ != stdout && out_ != nullptr) std::fclose(out_);
  out_ = next;
  return true;
}

void json_logger::set_static_field(std::string key, std::string value) {
  std::string f = ",\"";
  append_json_escaped(f, key);
  f += "\":\"";
  append_json_escaped(f, value);
  f += '"';
  std::lock_guard<std::mutex> guard{mtx_};
  static_fields_ += f;
}

void json_logger::write(level lvl, std::string_view message, const field* first,
                        const field* last) {
  if (!enabled(lvl)) return;
  std::string line;
  line.reserve(160 + message.size());
  line += "{\"@timestamp\":\"";
  append_timestamp(line);
  line += "\",\"level\":\"";
  line += level_name(lvl);
  line += "\",\"message\":\"";
  append_json_escaped(line, message);
  line += '"';
  for (auto f = first; f != last; ++f) {
    const auto& [key, value] = *f;
    line += ",\"";
    append_json_escaped(line, key);
    line += "\":\"";
    append_json_escaped(line, value);
    line += '"';
  }
  std::lock_guard<std::mutex> guard{mtx_};
  line += static_fields_;
  line += "}\n";
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace wrtc::log
