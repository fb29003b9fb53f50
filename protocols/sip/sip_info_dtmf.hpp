// DTMF digits carried in SIP INFO bodies (application/dtmf-relay, application/dtmf).
#pragma once

#include <optional>
#include <string_view>

namespace wrtc::sip {

/// One key press as an INFO reports it.
struct dtmf_press {
  /// '0'-'9', '*', '#', 'A'-'D'.
  char digit = 0;
  /// Milliseconds; 0 when the body gives none.
  int duration_ms = 0;
};

/// Whether `content_type` (type/subtype, any case) is one of the DTMF INFO types we read.
bool is_dtmf_info_type(std::string_view content_type);

/// Reads the digit of an INFO body:
///   application/dtmf-relay  "Signal=5\r\nDuration=160\r\n" (lines in any order, LF or CRLF,
///                           spaces around '=' allowed, other lines ignored)
///   application/dtmf        "5"
/// The signal is a key ('0'-'9', '*', '#', 'A'-'D', lower case accepted) or its RFC 4733 event
/// number (0-15: 10 is '*', 11 '#', 12-15 'A'-'D'). Returns nothing for any other content type,
/// a missing or unknown signal, or a duration that is not a number from 0 to 3600000.
std::optional<dtmf_press> parse_dtmf_info(std::string_view content_type, std::string_view body);

}  // namespace wrtc::sip
