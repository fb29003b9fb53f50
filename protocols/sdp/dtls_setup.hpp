// Which side opens the DTLS association, from a=setup (RFC 4145, RFC 5763 section 5, RFC 8842).
#pragma once

#include <cstdint>
#include <optional>

#include "protocols/sdp/fields.hpp"

namespace wrtc::sdp {

/// The gateway's DTLS role: `active` connects (DTLS client), `passive` accepts (DTLS server).
enum class dtls_role : uint8_t { active, passive };

/// The a=setup value that announces `role`.
constexpr setup_role to_setup(dtls_role role) {
  return role == dtls_role::active ? setup_role::active : setup_role::passive;
}

/// Whether an answerer may take `ours` when the offer carries `offered`: actpass allows both,
/// active forces passive, passive forces active, holdconn allows neither; an absent a=setup
/// counts as active (RFC 4145 default for an offer).
bool answer_role_allowed(std::optional<setup_role> offered, dtls_role ours);

/// `preferred` when the offer allows it, else the one role the offer leaves; nullopt when the
/// offer allows none (holdconn).
std::optional<dtls_role> choose_answer_role(std::optional<setup_role> offered, dtls_role preferred);

/// The offerer's role once the answer to its actpass offer arrives: the opposite of the
/// answerer's. An absent a=setup counts as passive (RFC 4145 default for an answer); actpass
/// and holdconn are not valid answers and give nullopt.
std::optional<dtls_role> role_after_answer(std::optional<setup_role> answered);

}  // namespace wrtc::sdp
