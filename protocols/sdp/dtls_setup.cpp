// The a=setup offer/answer rules.
#include "protocols/sdp/dtls_setup.hpp"

namespace wrtc::sdp {

bool answer_role_allowed(std::optional<setup_role> offered, dtls_role ours) {
  switch (offered.value_or(setup_role::active)) {
    case setup_role::actpass:
      return true;
    case setup_role::active:
      return ours == dtls_role::passive;
    case setup_role::passive:
      return ours == dtls_role::active;
    case setup_role::holdconn:
      return false;
  }
  return false;
}

std::optional<dtls_role> choose_answer_role(std::optional<setup_role> offered,
                                            dtls_role preferred) {
  if (answer_role_allowed(offered, preferred)) {
    return preferred;
  }
  auto other = preferred == dtls_role::active ? dtls_role::passive : dtls_role::active;
  if (answer_role_allowed(offered, other)) {
    return other;
  }
  return std::nullopt;
}

std::optional<dtls_role> role_after_answer(std::optional<setup_role> answered) {
  switch (answered.value_or(setup_role::passive)) {
    case setup_role::active:
      return dtls_role::passive;
    case setup_role::passive:
      return dtls_role::active;
    case setup_role::actpass:
    case setup_role::holdconn:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace wrtc::sdp
