// JSON parsing for untrusted network input: bounded nesting depth, no exceptions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace wrtc::json {

/// Parses `text` as one JSON value. Rejects nesting deeper than `max_depth` before the recursive
/// parser sees it (a 64 KiB body of '[' would otherwise exhaust a thread's stack), invalid UTF-8
/// and trailing garbage. Returns nullopt and fills `error` with a short reason on failure.
std::optional<nlohmann::json> parse_bounded(std::string_view text, std::size_t max_depth,
                                            std::string& error);

}  // namespace wrtc::json
