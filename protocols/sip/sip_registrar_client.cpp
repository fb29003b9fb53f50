// REGISTER client: one nua handle per registration id, digest answers, outcome events.
#include "protocols/sip/sip_registrar_client.hpp"

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/url.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <string_view>
#include <utility>

#include "protocols/sip/sip_digest.hpp"
#include "protocols/sip/sip_syntax.hpp"
#include "protocols/sip/sofia_agent.hpp"

namespace wrtc::sip {
namespace {

// No answer at all: nta's timer F (408) or a transport failure nta reports as a 503 of its own
// (ICMP unreachable, connection refused, DNS failure). A 408 from the far end means the same.
bool is_no_answer(const sofia_event& event) {
  if (event.status == 408) {
    return true;
  }
  return event.generated_locally && event.status >= 500 && event.status < 600;
}

}  // namespace

sip_registrar_client::sip_registrar_client(sofia_agent& agent, std::chrono::seconds expires,
                                           listener on_event)
    : agent_(agent),
      expires_(std::to_string(std::max<std::chrono::seconds::rep>(expires.count(), 1))),
      on_event_(std::move(on_event)) {
  // nop
}

sip_registrar_client::~sip_registrar_client() {
  forget_all();
}

void sip_registrar_client::register_aor(registration_request request) {
  uint64_t id = request.id;
  if (by_id_.count(id) != 0) {
    // An event would be taken for the registration already using this id; the caller broke
    // the uniqueness contract, so this is only logged.
    agent_.log("error", "registration " + std::to_string(id) + " already exists; request ignored");
    return;
  }
  if (!is_valid_user(request.user) || !is_valid_domain(request.domain)) {
    agent_.log("warning", "registration " + std::to_string(id) +
                              " refused locally: user or domain not usable in a SIP URI");
    emit({id, registration_outcome::refused, 0, "invalid user or domain"});
    return;
  }
  if (!is_usable_credential(request.auth_user) || !is_usable_credential(request.auth_password)) {
    agent_.log("warning", "registration " + std::to_string(id) +
                              " refused locally: auth user or password holds ':' or a line break");
    emit({id, registration_outcome::refused, 0, "credentials contain ':' or a line break"});
    return;
  }

  auto reg = std::make_unique<registration>();
  reg->aor = "sip:" + request.user + "@" + request.domain;
  reg->request = std::move(request);
  // Our sofia_event_sink* is the magic: the sofia_agent routes this handle's events back here.
  reg->handle =
      nua_handle(agent_.nua(), static_cast<sofia_event_sink*>(this),
                 SIPTAG_TO_STR(reg->aor.c_str()), SIPTAG_FROM_STR(reg->aor.c_str()), TAG_END());
  if (reg->handle == nullptr) {
    emit({id, registration_outcome::refused, 0, "cannot create a SIP handle"});
    return;
  }

  std::string registrar = "sip:" + reg->request.domain;
  // The parameter comes back in the Request-URI of INVITEs the proxy routes to this binding,
  // which tells the call handler whose registration a call is for.
  std::string contact = agent_.contact_for(reg->request.user, ";wrtc-reg=" + std::to_string(id));
  // nua copies the tag values before returning.
  nua_register(reg->handle, NUTAG_REGISTRAR(URL_STRING_MAKE(registrar.c_str())),
               SIPTAG_CONTACT_STR(contact.c_str()), SIPTAG_EXPIRES_STR(expires_.c_str()),
               TAG_END());
  agent_.log("debug", "registration " + std::to_string(id) + ": REGISTER " + reg->aor +
                          " contact " + contact + " expires " + expires_);

  by_handle_.emplace(reg->handle, id);
  by_id_.emplace(id, std::move(reg));
}

void sip_registrar_client::unregister(uint64_t id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    emit({id, registration_outcome::unregistered, 0, "not registered"});
    return;
  }
  registration& reg = *it->second;
  switch (reg.state) {
    case phase::registering:
      // An un-REGISTER now would race the pending REGISTER on the same binding.
      reg.unregister_wanted = true;
      break;
    case phase::registered:
      send_unregister(reg);
      break;
    case phase::unregistering:
      break;
  }
}

void sip_registrar_client::cancel(uint64_t id) {
  if (by_id_.count(id) != 0) {
    agent_.log("debug", "registration " + std::to_string(id) + " cancelled");
    forget(id);
  }
}

void sip_registrar_client::forget_all() {
  while (!by_id_.empty()) {
    forget(by_id_.begin()->first);
  }
}

void sip_registrar_client::on_sofia_event(const sofia_event& event) {
  auto found = by_handle_.find(event.handle);
  if (found == by_handle_.end()) {
    return;
  }
  registration& reg = *by_id_.at(found->second);
  switch (event.kind) {
    case nua_r_register:
      on_register_response(reg, event);
      break;
    case nua_r_unregister:
      on_unregister_response(reg, event);
      break;
    default:
      // nua_r_authenticate only reports on a handle with nothing waiting for credentials;
      // failures to authenticate a waiting REGISTER come back as nua_r_register (9xx).
      break;
  }
}

void sip_registrar_client::on_register_response(registration& reg, const sofia_event& event) {
  // Provisional, or a request nua restarted itself (auth from cache, 423, Retry-After).
  if (event.status < 200) {
    return;
  }
  // A refresh that was under way when we un-registered; the un-REGISTER's answer decides.
  if (reg.state == phase::unregistering) {
    return;
  }

  if (event.status < 300) {
    reg.credentials_sent = false;
    if (reg.unregister_wanted) {
      send_unregister(reg);
    } else if (reg.state == phase::registering) {
      reg.state = phase::registered;
      registration_event done{reg.request.id, registration_outcome::registered, event.status,
                              event.phrase};
      log_outcome(done, reg.aor);
      emit(done);
    }
    return;
  }

  if ((event.status == 401 || event.status == 407) && answer_challenge(reg, event)) {
    return;
  }

  registration_outcome outcome = registration_outcome::refused;
  if (reg.unregister_wanted) {
    outcome = registration_outcome::unregistered;
  } else if (reg.state == phase::registered) {
    outcome = registration_outcome::lost;
  } else if (is_no_answer(event)) {
    outcome = registration_outcome::timed_out;
  }
  finish(reg, outcome, event.status, event.phrase);
}

void sip_registrar_client::on_unregister_response(registration& reg, const sofia_event& event) {
  if (event.status < 200) {
    return;
  }
  if ((event.status == 401 || event.status == 407) && answer_challenge(reg, event)) {
    return;
  }
  finish(reg, registration_outcome::unregistered, event.status, event.phrase);
}

bool sip_registrar_client::answer_challenge(registration& reg, const sofia_event& event) {
  // Challenged again after answering: the credentials are wrong (nua already retried on its own
  // when the nonce merely went stale).
  if (reg.credentials_sent || reg.request.auth_user.empty() || event.message == nullptr) {
    return false;
  }
  std::optional<std::string> credentials = digest_credentials(
      event.message, event.status, reg.request.auth_user, reg.request.auth_password);
  if (!credentials) {
    return false;
  }
  nua_authenticate(event.handle, NUTAG_AUTH(credentials->c_str()), TAG_END());
  reg.credentials_sent = true;
  agent_.log("debug", "registration " + std::to_string(reg.request.id) + ": " +
                          std::to_string(event.status) + " challenge answered as " +
                          reg.request.auth_user);
  return true;
}

void sip_registrar_client::send_unregister(registration& reg) {
  reg.state = phase::unregistering;
  reg.credentials_sent = false;
  reg.unregister_wanted = false;
  // nua reuses the REGISTER (same Call-ID, our Contact) with Expires: 0 and stops refreshing.
  nua_unregister(reg.handle, TAG_END());
  agent_.log("debug",
             "registration " + std::to_string(reg.request.id) + ": un-REGISTER " + reg.aor);
}

void sip_registrar_client::finish(registration& reg, registration_outcome outcome, int status,
                                  std::string phrase) {
  registration_event done{reg.request.id, outcome, status, std::move(phrase)};
  std::string aor = reg.aor;
  forget(reg.request.id);
  log_outcome(done, aor);
  emit(done);
}

void sip_registrar_client::forget(uint64_t id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    return;
  }
  nua_handle_t* handle = it->second->handle;
  by_handle_.erase(handle);
  by_id_.erase(it);
  // Also drops a pending transaction and stops refreshes; nua delivers nothing for it afterwards.
  nua_handle_destroy(handle);
}

void sip_registrar_client::emit(const registration_event& event) {
  if (!on_event_) {
    return;
  }
  try {
    on_event_(event);
  } catch (const std::exception& e) {
    agent_.log("error", std::string("registration listener threw: ") + e.what());
  } catch (...) {
    agent_.log("error", "registration listener threw");
  }
}

void sip_registrar_client::log_outcome(const registration_event& event,
                                       const std::string& aor) const {
  bool bad = event.outcome == registration_outcome::refused ||
             event.outcome == registration_outcome::timed_out ||
             event.outcome == registration_outcome::lost;
  agent_.log(bad ? "warning" : "info", "registration " + std::to_string(event.id) + " " + aor +
                                           " " + std::string(to_string(event.outcome)) + " (" +
                                           std::to_string(event.status) + " " + event.phrase + ")");
}

}  // namespace wrtc::sip
