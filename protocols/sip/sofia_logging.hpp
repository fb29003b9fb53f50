// Process-wide switch for sofia-sip's own debug output.
#pragma once

namespace wrtc::sip {

/// Silences sofia's stderr logging, unless WRTC_SOFIA_DEBUG is set to a level 0-9, in which case
/// sofia logs at that level to stderr (for debugging only: those lines bypass the JSON logger
/// and may contain whole SIP messages). Sofia's log objects are globals shared by every stack in
/// the process, so this runs once; later calls do nothing.
void configure_sofia_logging();

}  // namespace wrtc::sip
