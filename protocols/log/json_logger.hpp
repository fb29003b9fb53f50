// JSON-lines logger: one ElasticSearch-friendly object per line, to stdout or a file.
#pragma once

#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace wrtc::log {

enum class level { debug, info, warning, error };

/// Parses "debug", "info", "warning" or "error"; returns false on anything else.
bool parse_level(std::string_view text, level& out);

/// A key/value pair attached to one log line; values are always written as JSON strings.
using field = std::pair<std::string_view, std::string_view>;

/// Process-wide JSON logger. Thread-safe: a line is formatted outside the lock and written with
/// one fwrite under it, so concurrent lines never interleave.
class json_logger {
 public:
  // -- construction -----------------------------------------------------------

  /// The single logger of the process.
  static json_logger& instance();

  json_logger(const json_logger&) = delete;
  json_logger& operator=(const json_logger&) = delete;

  // -- configuration ----------------------------------------------------------

  /// Directs output to `path` ("stdout" or empty = standard output); appends to files.
  /// Returns false and fills `error` when the file cannot be opened.
  bool open(const std::string& path, std::string& error);

  /// Lines below `min` are dropped.
  void set_min_level(level min) { min_level_ = min; }

  /// Adds a field to every line (for example the deployment colour).
  void set_static_field(std::string key, std::string value);

  // -- logging ----------------------------------------------------------------

  /// Writes one line. Callers never pass tokens, passwords or secrets as values.
  void write(level lvl, std::string_view message, std::initializer_list<field> fields = {}) {
    write(lvl, message, fields.begin(), fields.end());
  }

  /// Writes one line with the fields in [first, last).
  void write(level lvl, std::string_view message, const field* first, const field* last);

  /// Returns whether a line of `lvl` would be written.
  bool enabled(level lvl) const { return lvl >= min_level_; }

 private:
  json_logger() = default;
  ~json_logger();

  // Guarded by mtx_.
  std::mutex mtx_;
  // Owned by this unless it is stdout.
  std::FILE* out_ = stdout;
  level min_level_ = level::info;
  std::string static_fields_;
};

/// The current UTC time as ISO 8601 with milliseconds ("2026-11-25T15:00:00.000Z"), as in
/// every line's `@timestamp` and in session events.
std::string utc_timestamp();

/// Appends `text` to `out` as the body of a JSON string (escaped, without quotes).
void append_json_escaped(std::string& out, std::string_view text);

inline void debug(std::string_view msg, std::initializer_list<field> f = {}) {
  auto& l = json_logger::instance();
  if (l.enabled(level::debug)) l.write(level::debug, msg, f);
}
inline void info(std::string_view msg, std::initializer_list<field> f = {}) {
  json_logger::instance().write(level::info, msg, f);
}
inline void warning(std::string_view msg, std::initializer_list<field> f = {}) {
  json_logger::instance().write(level::warning, msg, f);
}
inline void error(std::string_view msg, std::initializer_list<field> f = {}) {
  json_logger::instance().write(level::error, msg, f);
}

}  // namespace wrtc::log
