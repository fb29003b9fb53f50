// The gateway's error codes, carried as caf::error values between actors.
#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>

namespace wrtc {

/// Why a gateway operation failed; each maps to one HTTP status of the signalling API.
enum class gateway_errc : uint8_t {
  none = 0,
  bad_request,          // 400
  unauthorized,         // 401
  forbidden,            // 403: the tenant is unknown to GWS
  not_found,            // 404
  dn_in_use,            // 409
  registration_failed,  // 502
  service_unavailable,  // 503: GAuth or GWS down or misbehaving
  capacity_exceeded,    // 503: gateway.max-clients reached
  session_ended,        // 410
};

/// The category atom of gateway errors.
constexpr caf::atom_value gateway_error_category = caf::atom("wrtc");

/// Wraps a code (and an optional human-readable detail) into a caf::error.
caf::error make_error(gateway_errc code, std::string detail = {});

/// The snake_case name of a code, as used in API error bodies.
const char* to_code_string(gateway_errc code);

/// The HTTP status of a code.
int to_http_status(gateway_errc code);

/// Extracts a gateway code from any error (foreign errors become service_unavailable).
gateway_errc to_gateway_errc(const caf::error& err);

/// The detail string carried by a gateway error, or a rendering of a foreign one.
std::string error_detail(const caf::error& err);

/// Renders gateway errors for caf::to_string.
std::string render_gateway_error(uint8_t code, caf::atom_value, const caf::message& context);

}  // namespace wrtc
