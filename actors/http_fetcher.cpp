// HTTP fetcher actor.
#include "actors/http_fetcher.hpp"

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

namespace wrtc {

caf::behavior http_fetcher(caf::stateful_actor<http_fetcher_state>* self,
                           std::shared_ptr<http_client::http_client> client) {
  self->state.client = std::move(client);
  return {
    [=](fetch_atom, http_client::outgoing_request& req) -> caf::result<http_client::incoming_response> {
      auto rp = self->make_response_promise<http_client::incoming_response>();
      auto id = ++self->state.next_id;
      self->state.pending.emplace(id, rp);
      auto me = caf::actor_cast<caf::actor>(self);
      self->state.client->fetch(std::move(req), [me, id](http_client::incoming_response&& r) {
        caf::anon_send(me, fetched_atom::value, id, std::move(r));
      });
      return rp;
    },
    [=](fetched_atom, uint64_t id, http_client::incoming_response& r) {
      auto i = self->state.pending.find(id);
      if (i == self->state.pending.end()) return;
      i->second.deliver(std::move(r));
      self->state.pending.erase(i);
    },
  };
}

}  // namespace wrtc
