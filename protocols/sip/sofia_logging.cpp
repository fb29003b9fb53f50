// Process-wide switch for sofia-sip's own debug output.
#include "protocols/sip/sofia_logging.hpp"

#include <sofia-sip/su_log.h>

#include <cstdarg>
#include <cstdlib>
#include <mutex>

namespace wrtc::sip {
namespace {

void discard_sofia_line(void*, char const*, va_list) {
  // nop
}

}  // namespace

void configure_sofia_logging() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Every module log (nua, nta, tport, ...) that was not given its own level through its
    // *_DEBUG variable follows su_log_default's level, and every module without its own logger
    // writes through su_log_default's logger; setting both here covers them all. Setting the
    // level also stops su_log_init() from reading SOFIA_DEBUG later.
    char const* wanted = std::getenv("WRTC_SOFIA_DEBUG");
    if (wanted != nullptr && *wanted != '\0') {
      int level = std::atoi(wanted);
      if (level < 0) {
        level = 0;
      }
      if (level > 9) {
        level = 9;
      }
      su_log_set_level(su_log_default, static_cast<unsigned>(level));
      return;
    }
    su_log_set_level(su_log_default, 0);
    // Level 0 lines are still written, hence the redirect.
    su_log_redirect(su_log_default, &discard_sofia_line, nullptr);
  });
}

}  // namespace wrtc::sip
