// Counting of failed requests.
#include "apps/loadgen/failure_tally.hpp"

namespace wrtc::loadgen {

namespace {

// Enough of a body to show the gateway's error code and message.
constexpr std::size_t max_example_body = 300;

}  // namespace

void failure_tally::add(const std::string& key, const std::string& example) {
  auto& e = entries_[key];
  if (e.count == 0) {
    e.example = example;
  }
  ++e.count;
  ++total_;
}

void failure_tally::add(const exchange_result& result, const std::string& context) {
  if (!result.answered()) {
    add(result.failure, context + ": " + result.detail);
    return;
  }
  auto body = result.response.body().substr(0, max_example_body);
  add(std::to_string(result.status()),
      context + ": " + std::to_string(result.status()) + " " + body);
}

nlohmann::json failure_tally::counts_json() const {
  auto out = nlohmann::json::object();
  for (const auto& [key, e] : entries_) {
    out[key] = e.count;
  }
  return out;
}

nlohmann::json failure_tally::examples_json() const {
  auto out = nlohmann::json::object();
  for (const auto& [key, e] : entries_) {
    out[key] = e.example;
  }
  return out;
}

}  // namespace wrtc::loadgen
