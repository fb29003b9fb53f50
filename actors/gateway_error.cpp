// Gateway error codes.
#include "actors/gateway_error.hpp"

#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace wrtc {

caf::error make_error(gateway_errc code, std::string detail) {
  if (detail.empty()) return caf::error{static_cast<uint8_t>(code), gateway_error_category};
  return caf::error{static_cast<uint8_t>(code), gateway_error_category,
                    caf::make_message(std::move(detail))};
}

const char* to_code_string(gateway_errc code) {
  switch (code) {
    case gateway_errc::none:
      return "none";
    case gateway_errc::bad_request:
      return "bad_request";
    case gateway_errc::unauthorized:
      return "unauthorized";
    case gateway_errc::forbidden:
      return "unknown_tenant";
    case gateway_errc::not_found:
      return "not_found";
    case gateway_errc::dn_in_use:
      return "dn_in_use";
    case gateway_errc::registration_failed:
      return "registration_failed";
    case gateway_errc::service_unavailable:
      return "service_unavailable";
    case gateway_errc::capacity_exceeded:
      return "capacity_exceeded";
    case gateway_errc::session_ended:
      return "session_ended";
  }
  return "internal_error";
}

int to_http_status(gateway_errc code) {
  switch (code) {
    case gateway_errc::none:
      return 200;
    case gateway_errc::bad_request:
      return 400;
    case gateway_errc::unauthorized:
      return 401;
    case gateway_errc::forbidden:
      return 403;
    case gateway_errc::not_found:
      return 404;
    case gateway_errc::dn_in_use:
      return 409;
    case gateway_errc::session_ended:
      return 410;
    case gateway_errc::registration_failed:
      return 502;
    case gateway_errc::service_unavailable:
    case gateway_errc::capacity_exceeded:
      return 503;
  }
  return 500;
}

gateway_errc to_gateway_errc(const caf::error& err) {
  if (!err) return gateway_errc::none;
  if (err.category() == gateway_error_category) return static_cast<gateway_errc>(err.code());
  // A request that timed out or an actor that died: the dependency did not answer.
  return gateway_errc::service_unavailable;
}

std::string error_detail(const caf::error& err) {
  if (err.category() == gateway_error_category) {
    const auto& ctx = err.context();
    if (ctx.match_elements<std::string>()) return ctx.get_as<std::string>(0);
    return to_code_string(static_cast<gateway_errc>(err.code()));
  }
  if (err.category() == caf::atom("system")) {
    return caf::to_string(static_cast<caf::sec>(err.code()));
  }
  return "internal error";
}

std::string render_gateway_error(uint8_t code, caf::atom_value, const caf::message& context) {
  std::string result = to_code_string(static_cast<gateway_errc>(code));
  if (context.match_elements<std::string>()) {
    result += ": ";
    result += context.get_as<std::string>(0);
  }
  return result;
}

}  // namespace wrtc
