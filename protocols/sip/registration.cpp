// Names of registration outcomes, for logs and metrics labels.
#include "protocols/sip/registration.hpp"

namespace wrtc::sip {

std::string_view to_string(registration_outcome outcome) {
  switch (outcome) {
    case registration_outcome::registered:
      return "registered";
    case registration_outcome::refused:
      return "refused";
    case registration_outcome::timed_out:
      return "timed_out";
    case registration_outcome::lost:
      return "lost";
    case registration_outcome::unregistered:
      return "unregistered";
  }
  return "unknown";
}

}  // namespace wrtc::sip
