// The answer to a digest challenge (401/407), in the form nua_authenticate() takes.
#pragma once

#include <sofia-sip/sip.h>

#include <optional>
#include <string>
#include <string_view>

namespace wrtc::sip {

/// Builds the NUTAG_AUTH() value "scheme:\"realm\":user:password" for the WWW-Authenticate
/// (401) or Proxy-Authenticate (407) challenge in `response`. Returns nothing when `response`
/// carries no challenge with a scheme and a realm. The realm is compared with the challenge's as
/// written, quotes included. `user` and `password` must pass is_usable_credential().
std::optional<std::string> digest_credentials(sip_t const* response, int status,
                                              std::string_view user, std::string_view password);

}  // namespace wrtc::sip
