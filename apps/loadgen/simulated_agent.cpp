// An agent desktop's long-poll loop.
#include "apps/loadgen/simulated_agent.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

namespace wrtc::loadgen {

namespace http = boost::beast::http;

namespace {

// The gateway answers a parked poll after `poll_timeout`; this covers a slow answer on top.
constexpr auto poll_slack = std::chrono::seconds{15};

// A desktop that got an error does not hammer the gateway.
constexpr auto retry_delay = std::chrono::seconds{1};

}  // namespace

simulated_agent::simulated_agent(const shared_settings& shared, std::size_t index,
                                 std::string token, std::string dn)
    : shared_(shared), index_(index), token_(std::move(token)), dn_(std::move(dn)) {
  // nop
}

void simulated_agent::start_polling(std::string session) {
  session_ = std::move(session);
  polling_ = true;
  if (!connection_) {
    connection_ = std::make_unique<keepalive_connection>(*shared_.io, shared_.gateway);
  }
  poll();
}

void simulated_agent::stop() {
  polling_ = false;
  // Closed, not destroyed: handlers of cancelled operations still run and refer to them.
  if (connection_) {
    connection_->close();
  }
  if (retry_) {
    retry_->cancel();
  }
}

void simulated_agent::poll() {
  keepalive_connection::request req{http::verb::get,
                                    "/v1/sessions/" + session_ +
                                        "/events?after=" + std::to_string(last_seq_) +
                                        "&timeout=" + std::to_string(shared_.poll_timeout),
                                    11};
  req.set(http::field::host, shared_.host);
  req.set(http::field::user_agent, "wrtc-loadgen");
  req.set(http::field::cookie, "WRTC_SESSION=" + session_);
  req.keep_alive(true);
  connection_->exchange(std::move(req), std::chrono::seconds{shared_.poll_timeout} + poll_slack,
                        [this](exchange_result r) { on_poll(std::move(r)); });
}

void simulated_agent::on_poll(exchange_result result) {
  if (!polling_) {
    return;
  }
  auto& listener = *shared_.listener;
  if (result.status() == 404) {
    stop();
    listener.on_session_unknown(*this, result);
    return;
  }
  if (result.status() != 200) {
    listener.on_poll_failed(*this, result);
    poll_later();
    return;
  }
  auto body = nlohmann::json::parse(result.response.body(), nullptr, false);
  if (!body.is_object() || !body.contains("events") || !body["events"].is_array()) {
    result.failure = "bad_answer";
    result.detail = "poll answered 200 without an events array: " + result.response.body();
    listener.on_poll_failed(*this, result);
    poll_later();
    return;
  }
  listener.on_poll_answered(*this);
  bool registered_now = false;
  std::string ended_reason;
  bool ended = false;
  for (const auto& event : body["events"]) {
    if (!event.is_object()) {
      continue;
    }
    if (auto seq = event.find("seq"); seq != event.end() && seq->is_number_unsigned()) {
      last_seq_ = std::max(last_seq_, seq->get<uint64_t>());
    }
    auto type = event.value("type", std::string{});
    if (type == "session.registered" && !registered_seen_) {
      registered_seen_ = true;
      registered_now = true;
    } else if (type == "session.ended") {
      ended = true;
      ended_reason = event.value("reason", std::string{"<none>"});
    }
  }
  if (ended) {
    stop();
    listener.on_session_ended(*this, ended_reason);
    return;
  }
  // Poll again before telling the run, so an agent counted as registered is already waiting.
  poll();
  if (registered_now) {
    listener.on_registered(*this);
  }
}

void simulated_agent::poll_later() {
  if (!retry_) {
    retry_ = std::make_unique<boost::asio::steady_timer>(*shared_.io);
  }
  retry_->expires_after(retry_delay);
  retry_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || !polling_) {
      return;
    }
    poll();
  });
}

}  // namespace wrtc::loadgen
