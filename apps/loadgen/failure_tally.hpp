// Failed requests counted by HTTP status or transport failure, with one example of each.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "apps/loadgen/exchange_result.hpp"

namespace wrtc::loadgen {

/// Keys are the HTTP status ("503") or the transport failure ("timeout", "connect_failed", ...).
class failure_tally {
 public:
  struct entry {
    std::size_t count = 0;
    /// The first failure of this key: status line and body, or what the socket reported.
    std::string example;
  };

  /// Counts a failure under `key`; `example` is kept when it is the first of its key.
  void add(const std::string& key, const std::string& example);

  /// Counts an exchange that did not give the expected answer: by status or by failure.
  void add(const exchange_result& result, const std::string& context);

  std::size_t total() const { return total_; }
  const std::map<std::string, entry>& entries() const { return entries_; }

  /// `{"<key>": count, ...}`.
  nlohmann::json counts_json() const;

  /// `{"<key>": "<first example>", ...}`.
  nlohmann::json examples_json() const;

 private:
  std::map<std::string, entry> entries_;
  std::size_t total_ = 0;
};

}  // namespace wrtc::loadgen
