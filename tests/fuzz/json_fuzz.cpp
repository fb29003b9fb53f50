// libFuzzer target: bounded JSON parsing of request bodies (`wrtc::json::parse_bounded`).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "protocols/json/bounded_json.hpp"

namespace {

// The sign-in body limit, and a looser one, so that the depth check is tried on both sides of
// where a real body sits.
constexpr std::size_t signin_depth = 8;
constexpr std::size_t loose_depth = 16;

void require(bool ok) {
  if (!ok) std::abort();
}

std::size_t depth_of(const nlohmann::json& j) {
  if (!j.is_structured()) return 0;
  std::size_t deepest = 0;
  for (const auto& child : j) {
    auto d = depth_of(child);
    if (d > deepest) deepest = d;
  }
  return deepest + 1;
}

// What the sign-in handler does with a parsed body before it asks anyone: only nlohmann accessors,
// since the DN and header checks live in the CAF actor.
void read_signin_fields(const nlohmann::json& doc) {
  if (!doc.is_object()) return;
  auto dn = doc.find("dn");
  if (dn == doc.end() || !dn->is_string()) return;
  auto text = dn->get<std::string>();
  require(text.size() <= 64 * 1024);
}

void check(std::string_view text, std::size_t max_depth, std::optional<nlohmann::json>& out) {
  std::string error;
  out = wrtc::json::parse_bounded(text, max_depth, error);
  if (!out) {
    // Every rejection explains itself, and never by echoing the input.
    require(!error.empty());
    require(error.size() < 64);
    return;
  }
  // The pre-scan exists so that nothing deeper than the limit reaches the application.
  require(depth_of(*out) <= max_depth);
  // A value the parser accepted dumps without throwing and reads back as itself.
  auto dumped = out->dump();
  std::string again_error;
  auto again = wrtc::json::parse_bounded(dumped, max_depth, again_error);
  require(again.has_value());
  require(*again == *out);
  read_signin_fields(*out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  std::optional<nlohmann::json> strict;
  std::optional<nlohmann::json> loose;
  check(text, signin_depth, strict);
  check(text, loose_depth, loose);
  // A looser limit never refuses what a stricter one accepted, nor reads it differently.
  if (strict) {
    require(loose.has_value());
    require(*strict == *loose);
  }
  return 0;
}
