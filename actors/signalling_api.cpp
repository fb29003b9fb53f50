// Signalling API actor.
#include "actors/signalling_api.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>

#include <nlohmann/json.hpp>

#include "actors/gateway_error.hpp"
#include "actors/session_directory.hpp"
#include "protocols/json/bounded_json.hpp"
#include "protocols/log/json_logger.hpp"
#include "protocols/security/crypto_primitives.hpp"

namespace wrtc {

namespace {

using self_ptr = caf::stateful_actor<signalling_api_state>*;

constexpr std::size_t max_token_bytes = 8192;
constexpr std::size_t max_body_depth = 8;

/// Answers with the error of a failed step, counting what the metrics table asks for.
void reply_failure(self_ptr self, const http_exchange& ex, const caf::error& err) {
  auto code = to_gateway_errc(err);
  auto* m = self->state.metrics;
  if (m != nullptr) {
    switch (code) {
      case gateway_errc::unauthorized:
        m->unauthorized_access.Increment();
        break;
      case gateway_errc::not_found:
        m->unknown_request.Increment();
        break;
      case gateway_errc::dn_in_use:
        m->double_signin.Increment();
        m->client_errors_double_sign_in_reject.Increment();
        break;
      default:
        break;
    }
  }
  ex.reply_error(to_http_status(code), to_code_string(code), error_detail(err));
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    auto next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    parts.push_back(path.substr(pos, next - pos));
    pos = next;
  }
  return parts;
}

bool parse_uint(const std::string& text, uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

session_credentials credentials_of(self_ptr self, const http::request& req) {
  session_credentials cred;
  cred.cookie_session = cookie_value(req.header("Cookie"), self->state.cfg.cookie_name);
  auto token = bearer_token(req.header("Authorization"));
  if (!token.empty()) cred.bearer_digest = security::sha256_hex(token);
  return cred;
}

void handle_ping(self_ptr self, const http_exchange& ex) {
  nlohmann::json body = {{"state", "up"},
                         {"version", self->state.cfg.version},
                         {"path", self->state.cfg.color}};
  ex.reply(200, body.dump());
}

void sign_in(self_ptr self, const http_exchange_ptr& ex) {
  auto& st = self->state;
  std::string err;
  auto doc = json::parse_bounded(ex->req.body, max_body_depth, err);
  if (!doc) {
    ex->reply_error(400, "bad_request", err);
    return;
  }
  if (!doc->is_object()) {
    ex->reply_error(400, "bad_request", "the body must be a JSON object");
    return;
  }
  auto dn_field = doc->find("dn");
  if (dn_field == doc->end() || !dn_field->is_string()) {
    ex->reply_error(400, "bad_request", "missing field: dn (string)");
    return;
  }
  auto dn = dn_field->get<std::string>();
  if (!valid_dn(dn)) {
    ex->reply_error(400, "bad_request", "dn must be 1-64 characters of [A-Za-z0-9+*._-]");
    return;
  }
  auto token = bearer_token(ex->req.header("Authorization"));
  if (token.empty()) {
    if (st.metrics != nullptr) st.metrics->unauthorized_access.Increment();
    ex->reply_error(401, "unauthorized", "missing or malformed Authorization: Bearer header");
    return;
  }
  auto digest = security::sha256_hex(token);
  auto timeout = st.cfg.session_template.register_timeout * 2 + std::chrono::seconds{10};
  self->request(st.auth, timeout, validate_atom::value, token)
    .then(
      [=](agent_identity& who) {
        self->request(self->state.config, timeout, tenant_atom::value, who.contact_center_id)
          .then(
            [=](tenant_record& tenant) {
              auto session_id = security::random_hex(16);
              auto key = dn_key(tenant.id, dn);
              self->request(self->state.directory, timeout, reserve_atom::value, key, session_id)
                .then(
                  [=](bool) {
                    auto& st = self->state;
                    auto params = st.cfg.session_template;
                    params.session_id = session_id;
                    params.dn = dn;
                    params.tenant = tenant.id;
                    params.domain = tenant.domain;
                    params.user_name = who.user_name;
                    params.token_digest = digest;
                    auto session =
                      self->spawn(agent_session, std::move(params), st.sip, st.directory, st.metrics);
                    self->send(st.directory, bind_atom::value, session_id, session);
                    self->request(session, timeout, start_atom::value)
                      .then(
                        [=](bool) {
                          auto& st = self->state;
                          nlohmann::json body = {{"session", session_id},
                                                 {"dn", dn},
                                                 {"tenant", tenant.id},
                                                 {"user_name", who.user_name}};
                          auto cookie = st.cfg.cookie_name + "=" + session_id +
                                        "; Path=/; Secure; HttpOnly; SameSite=None";
                          ex->reply(200,
                                    body.dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace),
                                    {{"Set-Cookie", cookie}});
                        },
                        [=](caf::error& e) {
                          reply_failure(self, *ex, e);
                        });
                  },
                  [=](caf::error& e) {
                    if (to_gateway_errc(e) == gateway_errc::dn_in_use) {
                      log::info("double sign-in rejected", {{"dn", dn}, {"tenant", tenant.id}});
                    }
                    reply_failure(self, *ex, e);
                  });
            },
            [=](caf::error& e) { reply_failure(self, *ex, e); });
      },
      [=](caf::error& e) { reply_failure(self, *ex, e); });
}

/// Reads `{"<field>":"..."...}` string fields of a JSON body; replies 400 and returns false when
/// the body is not an object or a field is missing or not a string.
bool read_string_fields(const http_exchange& ex, std::initializer_list<const char*> names,
                        std::vector<std::string>& out) {
  std::string err;
  auto doc = json::parse_bounded(ex.req.body, max_body_depth, err);
  if (!doc) {
    ex.reply_error(400, "bad_request", err);
    return false;
  }
  if (!doc->is_object()) {
    ex.reply_error(400, "bad_request", "the body must be a JSON object");
    return false;
  }
  for (const char* name : names) {
    auto f = doc->find(name);
    if (f == doc->end() || !f->is_string()) {
      ex.reply_error(400, "bad_request", std::string{"missing field: "} + name + " (string)");
      return false;
    }
    out.push_back(f->get<std::string>());
  }
  return true;
}

void handle_session_request(self_ptr self, const http_exchange_ptr& ex,
                            const std::string& session_id,
                            const std::vector<std::string_view>& parts) {
  auto& st = self->state;
  const auto& req = ex->req;
  auto cred = credentials_of(self, req);
  if (cred.cookie_session.empty() && cred.bearer_digest.empty()) {
    if (st.metrics != nullptr) st.metrics->unauthorized_access.Increment();
    ex->reply_error(401, "unauthorized", "session requests need the session cookie or a bearer token");
    return;
  }
  // What to send to the session once it is found.
  std::function<void(const caf::actor&)> dispatch;
  auto method_not_allowed = [&](const char* allowed) {
    ex->reply_error(405, "method_not_allowed", std::string{"use "} + allowed);
  };
  if (parts.size() == 3) {
    if (req.method != "DELETE") return method_not_allowed("DELETE on a session");
    dispatch = [=](const caf::actor& s) { self->send(s, sign_out_atom::value, ex, cred); };
  } else if (parts.size() == 4 && parts[3] == "events") {
    if (req.method != "GET") return method_not_allowed("GET on events");
    uint64_t after = 0;
    uint64_t timeout = st.cfg.default_poll_timeout;
    auto after_text = req.query_param("after");
    if (!after_text.empty() && !parse_uint(after_text, after)) {
      ex->reply_error(400, "bad_request", "after must be a non-negative integer");
      return;
    }
    auto timeout_text = req.query_param("timeout");
    if (!timeout_text.empty() && !parse_uint(timeout_text, timeout)) {
      ex->reply_error(400, "bad_request", "timeout must be a non-negative integer (seconds)");
      return;
    }
    timeout = std::min<uint64_t>(timeout, st.cfg.max_poll_timeout);
    dispatch = [=](const caf::actor& s) {
      self->send(s, poll_atom::value, ex, cred, after, static_cast<uint32_t>(timeout));
    };
  } else if (parts.size() == 4 && parts[3] == "calls") {
    if (req.method != "POST") return method_not_allowed("POST on calls");
    std::vector<std::string> fields;
    if (!read_string_fields(*ex, {"to", "sdp"}, fields)) return;
    dispatch = [=](const caf::actor& s) {
      self->send(s, call_create_atom::value, ex, cred, fields[0], fields[1]);
    };
  } else if (parts.size() == 5 && parts[3] == "calls") {
    if (req.method != "DELETE") return method_not_allowed("DELETE on a call");
    std::string call{parts[4]};
    dispatch = [=](const caf::actor& s) {
      self->send(s, call_hangup_atom::value, ex, cred, call);
    };
  } else if (parts.size() == 6 && parts[3] == "calls" && parts[5] == "answer") {
    if (req.method != "POST") return method_not_allowed("POST on answer");
    std::vector<std::string> fields;
    if (!read_string_fields(*ex, {"sdp"}, fields)) return;
    std::string call{parts[4]};
    dispatch = [=](const caf::actor& s) {
      self->send(s, call_answer_atom::value, ex, cred, call, fields[0]);
    };
  } else {
    if (st.metrics != nullptr) st.metrics->unknown_request.Increment();
    ex->reply_error(404, "not_found", "no such resource");
    return;
  }
  self->request(st.directory, std::chrono::seconds{10}, lookup_atom::value, session_id)
    .then([=](caf::actor& session) { dispatch(session); },
          [=](caf::error& e) { reply_failure(self, *ex, e); });
}

bool origin_allowed(self_ptr self, const std::string& origin) {
  const auto& list = self->state.cfg.allowed_origins;
  return std::find(list.begin(), list.end(), origin) != list.end() ||
         std::find(list.begin(), list.end(), "*") != list.end();
}

void route(self_ptr self, const http_exchange_ptr& ex) {
  auto& st = self->state;
  const auto& req = ex->req;
  auto origin = req.header("Origin");
  auto host = req.header("Host");
  // Pages the gateway serves itself (the demo softphone) call it from its own origin.
  bool same_origin = !host.empty() && (origin == "http://" + host || origin == "https://" + host);
  if (!origin.empty() && !same_origin) {
    if (!origin_allowed(self, origin)) {
      ex->reply_error(403, "origin_not_allowed", "this origin may not call the gateway");
      return;
    }
    ex->extra_headers = {{"Access-Control-Allow-Origin", origin},
                         {"Access-Control-Allow-Credentials", "true"},
                         {"Vary", "Origin"}};
  }
  if (req.method == "OPTIONS") {
    ex->reply(204, {},
              {{"Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"},
               {"Access-Control-Allow-Headers", "Authorization, Content-Type"},
               {"Access-Control-Max-Age", "600"},
               {"Allow", "GET, POST, DELETE, OPTIONS"}});
    return;
  }
  auto parts = split_path(req.path);
  if (parts.size() == 1 && parts[0] == "ping") {
    if (req.method != "GET" && req.method != "HEAD") {
      ex->reply_error(405, "method_not_allowed", "use GET on /ping");
      return;
    }
    handle_ping(self, *ex);
    return;
  }
  if (parts.size() >= 2 && parts[0] == "v1") {
    if (parts.size() == 2 && parts[1] == "sign-in") {
      if (req.method != "POST") {
        ex->reply_error(405, "method_not_allowed", "use POST on /v1/sign-in");
        return;
      }
      sign_in(self, ex);
      return;
    }
    if (parts[1] == "sessions" && parts.size() >= 3 && parts.size() <= 6) {
      handle_session_request(self, ex, std::string{parts[2]}, parts);
      return;
    }
  }
  if (st.cfg.web && (req.method == "GET" || req.method == "HEAD") && parts.size() <= 1) {
    auto name = parts.empty() ? std::string{"softphone.html"} : std::string{parts[0]};
    if (const auto* file = st.cfg.web->find(name)) {
      http::response r;
      r.status = 200;
      r.headers = ex->extra_headers;
      r.headers.emplace_back("Content-Type", file->content_type);
      r.headers.emplace_back("Cache-Control", "no-cache");
      r.body = file->body;
      if (ex->send) ex->send(std::move(r));
      return;
    }
  }
  if (st.metrics != nullptr) st.metrics->unknown_request.Increment();
  ex->reply_error(404, "not_found", "no such resource");
}

}  // namespace

std::string bearer_token(const std::string& authorization) {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size()) return {};
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i]) return {};
  }
  auto token = authorization.substr(scheme.size());
  auto first = token.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  token.erase(0, first);
  while (!token.empty() && token.back() == ' ') token.pop_back();
  if (token.empty() || token.size() > max_token_bytes) return {};
  for (unsigned char c : token) {
    if (c <= 0x20 || c >= 0x7f) return {};
  }
  return token;
}

std::string cookie_value(const std::string& cookie_header, const std::string& name) {
  std::string_view rest{cookie_header};
  while (!rest.empty()) {
    auto end = rest.find(';');
    auto item = rest.substr(0, end);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.substr(0, name.size()) == name &&
        item[name.size()] == '=') {
      auto value = item.substr(name.size() + 1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      return std::string{value};
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return {};
}

bool valid_dn(const std::string& dn) {
  if (dn.empty() || dn.size() > 64) return false;
  return std::all_of(dn.begin(), dn.end(), [](char c) {
    // '#' is left out: it is not allowed unescaped in a SIP URI user part.
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
           c == '*' || c == '.' || c == '_' || c == '-';
  });
}

caf::behavior signalling_api(caf::stateful_actor<signalling_api_state>* self,
                             signalling_api_config cfg, caf::actor auth, caf::actor config,
                             caf::actor directory, caf::actor sip,
                             metrics::gateway_metrics* metrics) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.auth = std::move(auth);
  st.config = std::move(config);
  st.directory = std::move(directory);
  st.sip = std::move(sip);
  st.metrics = metrics;
  return {
    [=](http_atom, const http_exchange_ptr& ex) { route(self, ex); },
  };
}

}  // namespace wrtc
