// Bounded JSON parsing.
#include "protocols/json/bounded_json.hpp"

namespace wrtc::json {

namespace {

/// Returns the maximum nesting depth of arrays and objects, outside of strings; stops counting
/// (and returns limit+1) as soon as `limit` is exceeded.
std::size_t nesting_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > deepest) {
          deepest = depth;
          if (deepest > limit) return deepest;
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return deepest;
}

}  // namespace

std::optional<nlohmann::json> parse_bounded(std::string_view text, std::size_t max_depth,
                                            std::string& error) {
  if (nesting_depth(text, max_depth) > max_depth) {
    error = "JSON nested deeper than " + std::to_string(max_depth) + " levels";
    return std::nullopt;
  }
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    // nlohmann's messages quote input bytes; keep only the kind of failure.
    error = e.id == 101 ? "malformed JSON" : "invalid JSON (" + std::to_string(e.id) + ")";
    return std::nullopt;
  }
}

}  // namespace wrtc::json
