// The one-shot handle the application answers a request with.
#include "protocols/http/responder.hpp"

#include "protocols/http/pending_answer.hpp"

namespace wrtc::http {

void responder::respond(response r) const {
  if (answer_) {
    answer_->answer(std::move(r));
  }
}

bool responder::closed() const {
  return !answer_ || answer_->closed();
}

bool responder::answered() const {
  return answer_ && answer_->answered();
}

}  // namespace wrtc::http
