// The actor in front of the node's HTTP client: turns libcurl completions into actor replies.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include <caf/response_promise.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"

namespace wrtc {

struct http_fetcher_state {
  // Passed by argument, shared with the node.
  std::shared_ptr<http_client::http_client> client;
  uint64_t next_id = 0;
  std::unordered_map<uint64_t, caf::response_promise> pending;
  static inline const char* name = "http_fetcher";
};

/// Handles `(fetch_atom, outgoing_request) -> incoming_response`. Transport errors are answered
/// as responses with status 0, never as actor errors, so callers see every failure the same way.
caf::behavior http_fetcher(caf::stateful_actor<http_fetcher_state>* self,
                           std::shared_ptr<http_client::http_client> client);

}  // namespace wrtc
