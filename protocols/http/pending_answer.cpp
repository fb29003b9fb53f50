// The shared state behind every copy of one request's responder.
#include "protocols/http/pending_answer.hpp"

#include "protocols/http/http_connection.hpp"
#include "protocols/http/http_thread_gate.hpp"

namespace wrtc::http {

pending_answer::pending_answer(std::weak_ptr<http_connection> connection, std::uint64_t sequence,
                               std::shared_ptr<http_thread_gate> gate)
    : connection_(std::move(connection)), sequence_(sequence), gate_(std::move(gate)) {
  // nop
}

pending_answer::~pending_answer() {
  if (answered_.exchange(true, std::memory_order_acq_rel) || closed()) {
    return;
  }
  try {
    response r;
    r.status = 500;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body =
        R"({"error":{"code":"internal_error","message":"the request was dropped unanswered"}})";
    post(std::move(r));
  } catch (...) {
    // Out of memory in a destructor: the client's own timeout ends the wait instead.
  }
}

void pending_answer::answer(response&& r) {
  if (answered_.exchange(true, std::memory_order_acq_rel) || closed()) {
    return;
  }
  post(std::move(r));
}

void pending_answer::post(response&& r) {
  gate_->post([connection = connection_, sequence = sequence_, r = std::move(r)]() mutable {
    if (auto c = connection.lock()) {
      c->deliver(sequence, std::move(r));
    }
  });
}

}  // namespace wrtc::http
