// Names of call event kinds, for logs.
#include "protocols/sip/call.hpp"

namespace wrtc::sip {

std::string_view to_string(call_event_kind kind) {
  switch (kind) {
    case call_event_kind::incoming:
      return "incoming";
    case call_event_kind::provisional:
      return "provisional";
    case call_event_kind::answered:
      return "answered";
    case call_event_kind::ended:
      return "ended";
    case call_event_kind::info_dtmf:
      return "info_dtmf";
    case call_event_kind::reinvite:
      return "reinvite";
  }
  return "unknown";
}

}  // namespace wrtc::sip
