// Answer helpers of a signalling request.
#include "actors/messages.hpp"

#include <nlohmann/json.hpp>

namespace wrtc {

void http_exchange::reply(int status, std::string body) const {
  reply(status, std::move(body), {});
}

void http_exchange::reply(int status, std::string body,
                          std::vector<std::pair<std::string, std::string>> headers) const {
  http::response r;
  r.status = status;
  r.headers = std::move(headers);
  r.headers.insert(r.headers.end(), extra_headers.begin(), extra_headers.end());
  if (status != 204) r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Cache-Control", "no-store");
  r.body = status == 204 ? std::string{} : std::move(body);
  if (send) send(std::move(r));
}

void http_exchange::reply_error(int status, const std::string& code,
                                const std::string& message) const {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  reply(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace wrtc
