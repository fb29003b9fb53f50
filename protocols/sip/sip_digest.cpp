// The answer to a digest challenge (401/407), in the form nua_authenticate() takes.
#include "protocols/sip/sip_digest.hpp"

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>

namespace wrtc::sip {

std::optional<std::string> digest_credentials(sip_t const* response, int status,
                                              std::string_view user, std::string_view password) {
  if (response == nullptr) {
    return std::nullopt;
  }
  msg_auth_t const* challenge =
      status == 401 ? response->sip_www_authenticate : response->sip_proxy_authenticate;
  if (challenge == nullptr || challenge->au_scheme == nullptr) {
    return std::nullopt;
  }
  char const* realm = msg_params_find(challenge->au_params, "realm=");
  if (realm == nullptr) {
    return std::nullopt;
  }
  std::string quoted_realm = realm;
  if (quoted_realm.empty() || quoted_realm.front() != '"') {
    quoted_realm = "\"" + quoted_realm + "\"";
  }
  std::string credentials = std::string(challenge->au_scheme) + ":" + quoted_realm + ":";
  credentials += user;
  credentials += ":";
  credentials += password;
  return credentials;
}

}  // namespace wrtc::sip
