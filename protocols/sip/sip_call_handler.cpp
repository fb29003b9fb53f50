// Calls (INVITE dialogs) on the SIP thread: one nua handle per call, in both directions.
#include "protocols/sip/sip_call_handler.hpp"

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "protocols/sip/sip_digest.hpp"
#include "protocols/sip/sip_info_dtmf.hpp"
#include "protocols/sip/sip_syntax.hpp"
#include "protocols/sip/sofia_agent.hpp"

namespace wrtc::sip {
namespace {

constexpr char const* sdp_type = "application/sdp";
constexpr char const* dtmf_types = "application/dtmf-relay, application/dtmf";

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Call ids in logs look like the ones the signalling API shows: 16 hex digits.
std::string id_text(uint64_t id) {
  char text[17];
  std::snprintf(text, sizeof text, "%016" PRIx64, id);
  return text;
}

bool has_body(sip_t const* sip) {
  return sip != nullptr && sip->sip_payload != nullptr && sip->sip_payload->pl_data != nullptr &&
         sip->sip_payload->pl_len > 0;
}

std::string body_of(sip_t const* sip) {
  if (!has_body(sip)) {
    return {};
  }
  return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

std::string_view content_type_of(sip_t const* sip) {
  if (sip == nullptr || sip->sip_content_type == nullptr ||
      sip->sip_content_type->c_type == nullptr) {
    return {};
  }
  return sip->sip_content_type->c_type;
}

// A body we can hand on as SDP: declared application/sdp and not compressed.
bool has_sdp_body(sip_t const* sip) {
  if (!has_body(sip) || !equals_ignoring_case(content_type_of(sip), sdp_type)) {
    return false;
  }
  sip_content_encoding_t const* encoding = sip->sip_content_encoding;
  return encoding == nullptr || encoding->k_items == nullptr || encoding->k_items[0] == nullptr ||
         equals_ignoring_case(encoding->k_items[0], "identity");
}

std::string sdp_of(sip_t const* sip) {
  return has_sdp_body(sip) ? body_of(sip) : std::string{};
}

std::string url_text(url_t const* url) {
  if (url == nullptr) {
    return {};
  }
  su_home_t home[1] = {SU_HOME_INIT(home)};
  char* text = url_as_string(home, url);
  std::string result = text != nullptr ? text : "";
  su_home_deinit(home);
  return result;
}

// A display name as written, without its quotes and quoted-pair escapes.
std::string unquoted(char const* display) {
  if (display == nullptr) {
    return {};
  }
  std::string_view text = display;
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') {
    return std::string(text);
  }
  text = text.substr(1, text.size() - 2);
  std::string result;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      ++i;
    }
    result += text[i];
  }
  return result;
}

// The ";wrtc-reg=<id>" our registrations put into their Contact, as the Request-URI carries it.
uint64_t registration_id_of(url_t const* url) {
  if (url == nullptr || url->url_params == nullptr) {
    return 0;
  }
  std::string_view params = url->url_params;
  while (!params.empty()) {
    std::size_t end = params.find(';');
    std::string_view param = params.substr(0, end);
    params = end == std::string_view::npos ? std::string_view{} : params.substr(end + 1);
    std::size_t eq = param.find('=');
    if (eq == std::string_view::npos || !equals_ignoring_case(param.substr(0, eq), "wrtc-reg")) {
      continue;
    }
    std::string_view value = param.substr(eq + 1);
    uint64_t id = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
    return ec == std::errc{} && ptr == value.data() + value.size() ? id : 0;
  }
  return 0;
}

// nua_respond() keeps the phrase pointer, not a copy, until its signal is handled on a later
// loop turn (and in the server request afterwards): phrases must outlive the call. Standard
// phrases are static; others are kept for the life of the process, up to a bound beyond which
// the standard phrase is used instead.
char const* lasting_phrase(int status, const std::string& phrase) {
  char const* standard = sip_status_phrase(status);
  if (standard == nullptr) {
    standard = "Unknown";
  }
  if (phrase.empty() || phrase == standard) {
    return standard;
  }
  static std::mutex mtx;
  static std::set<std::string, std::less<>> kept;
  std::lock_guard<std::mutex> guard(mtx);
  if (auto it = kept.find(phrase); it != kept.end()) {
    return it->c_str();
  }
  if (kept.size() >= 256) {
    return standard;
  }
  return kept.insert(phrase).first->c_str();
}

call_event event_for(uint64_t call_id, call_event_kind kind) {
  call_event event;
  event.call_id = call_id;
  event.kind = kind;
  return event;
}

// A phrase goes on the status line as it is.
bool is_valid_phrase(const std::string& phrase) {
  return phrase.size() <= 256 && is_valid_header_value(phrase);
}

}  // namespace

// -- constructors and destructors ---------------------------------------------

sip_call_handler::sip_call_handler(sofia_agent& agent, std::chrono::milliseconds invite_timeout,
                                   std::chrono::milliseconds answer_timeout, listener on_event)
    : agent_(agent),
      invite_timeout_(std::max(invite_timeout, std::chrono::milliseconds{1})),
      answer_timeout_(std::max(answer_timeout, std::chrono::milliseconds{1})),
      on_event_(std::move(on_event)) {
  // nop
}

sip_call_handler::~sip_call_handler() {
  forget_all();
}

// -- commands -----------------------------------------------------------------

void sip_call_handler::invite(outgoing_call request) {
  uint64_t id = request.call_id;
  if (is_incoming_call_id(id)) {
    agent_.log("error", "call " + id_text(id) + ": id in the incoming range; INVITE ignored");
    return;
  }
  if (by_id_.count(id) != 0) {
    agent_.log("error", "call " + id_text(id) + " already exists; INVITE ignored");
    return;
  }
  if (!is_valid_user(request.from_user) || !is_valid_domain(request.domain)) {
    refuse(id, "from user or domain not usable in a SIP URI");
    return;
  }
  std::string target;
  if (is_valid_sip_uri(request.to)) {
    target = request.to;
  } else if (is_valid_number(request.to)) {
    target = "sip:" + number_as_user(request.to) + "@" + request.domain;
  } else {
    refuse(id, "destination is neither a number nor a SIP URI");
    return;
  }
  if (request.sdp.empty()) {
    refuse(id, "no SDP offer");
    return;
  }
  if (!is_usable_credential(request.auth_user) || !is_usable_credential(request.auth_password)) {
    refuse(id, "credentials contain ':' or a line break");
    return;
  }
  std::string extra;
  for (const auto& [name, value] : request.extra_headers) {
    if (!is_valid_header_name(name) || !is_valid_header_value(value) || is_reserved_header(name)) {
      refuse(id, "header '" + (is_valid_header_name(name) ? name : std::string("?")) +
                     "' cannot be added");
      return;
    }
    extra.append(name).append(": ").append(value).append("\r\n");
  }

  std::string from = "<sip:" + request.from_user + "@" + request.domain + ">";
  std::string to = "<" + target + ">";
  nua_handle_t* handle =
      nua_handle(agent_.nua(), static_cast<sofia_event_sink*>(this), SIPTAG_FROM_STR(from.c_str()),
                 SIPTAG_TO_STR(to.c_str()), TAG_END());
  if (handle == nullptr) {
    call_event ended = event_for(id, call_event_kind::ended);
    ended.phrase = "cannot create a SIP handle";
    ended.reason = "terminated";
    emit(ended);
    return;
  }

  auto c = std::make_unique<call>();
  c->id = id;
  c->dir = direction::outgoing;
  c->handle = handle;
  c->user = request.from_user;
  c->auth_user = std::move(request.auth_user);
  c->auth_password = std::move(request.auth_password);
  c->owner = this;

  // An explicit Contact: left to itself nua would pick the Contact of whichever registration
  // it finds first, which may be another agent's.
  std::string contact = agent_.contact_for(c->user);
  // nua copies the tag values before returning.
  nua_invite(handle, NUTAG_URL(URL_STRING_MAKE(target.c_str())),
             SIPTAG_CONTACT_STR(contact.c_str()), SIPTAG_CONTENT_TYPE_STR(sdp_type),
             SIPTAG_PAYLOAD_STR(request.sdp.c_str()),
             TAG_IF(!extra.empty(), SIPTAG_HEADER_STR(extra.c_str())), TAG_END());
  agent_.log("info", "call " + id_text(id) + ": INVITE " + target + " from " + from);

  call& stored = *c;
  by_handle_.emplace(handle, id);
  by_id_.emplace(id, std::move(c));
  start_timer(stored, invite_timeout_);
}

void sip_call_handler::answer(uint64_t call_id, const std::string& sdp) {
  call* c = find_unanswered_incoming(call_id, "answer");
  if (c == nullptr) {
    return;
  }
  if (sdp.empty()) {
    agent_.log("error", "call " + id_text(call_id) + ": answer without SDP ignored");
    return;
  }
  std::string contact = agent_.contact_for(c->user);
  nua_respond(c->handle, SIP_200_OK, SIPTAG_CONTACT_STR(contact.c_str()),
              SIPTAG_CONTENT_TYPE_STR(sdp_type), SIPTAG_PAYLOAD_STR(sdp.c_str()), TAG_END());
  c->state = phase::confirmed;
  stop_timer(*c);
  agent_.log("info", "call " + id_text(call_id) + ": answered 200");
}

void sip_call_handler::respond(uint64_t call_id, int status, const std::string& phrase,
                               const std::string& sdp) {
  call* c = find_unanswered_incoming(call_id, "respond");
  if (c == nullptr) {
    return;
  }
  bool provisional = status > 100 && status < 200;
  bool rejection = status >= 300 && status < 700;
  if ((!provisional && !rejection) || !is_valid_phrase(phrase)) {
    agent_.log("error",
               "call " + id_text(call_id) + ": respond " + std::to_string(status) +
                   " refused (101-199 or 300-699 with a one-line phrase; 200 is answer())");
    return;
  }
  char const* text = lasting_phrase(status, phrase);
  if (provisional) {
    std::string contact = agent_.contact_for(c->user);
    bool with_sdp = !sdp.empty();
    nua_respond(c->handle, status, text, SIPTAG_CONTACT_STR(contact.c_str()),
                TAG_IF(with_sdp, SIPTAG_CONTENT_TYPE_STR(sdp_type)),
                TAG_IF(with_sdp, SIPTAG_PAYLOAD_STR(sdp.c_str())), TAG_END());
    agent_.log("debug", "call " + id_text(call_id) + ": sent " + std::to_string(status) +
                            (with_sdp ? " with SDP" : ""));
    return;
  }
  nua_respond(c->handle, status, text, TAG_END());
  set_end(*c, "local_reject", status, text);
  c->state = phase::ending;
  stop_timer(*c);
  agent_.log("info", "call " + id_text(call_id) + ": rejected " + std::to_string(status));
}

void sip_call_handler::hangup(uint64_t call_id) {
  call* c = find(call_id, "hangup");
  if (c == nullptr) {
    return;
  }
  switch (c->state) {
    case phase::early:
      if (c->dir == direction::outgoing) {
        // The status is the INVITE's final answer (487 normally), filled in when it comes.
        nua_cancel(c->handle, TAG_END());
        set_end(*c, "local_hangup", 0, "CANCEL");
        stop_timer(*c);
      } else {
        nua_respond(c->handle, SIP_480_TEMPORARILY_UNAVAILABLE, TAG_END());
        set_end(*c, "local_hangup", 480, sip_480_Temporarily_unavailable);
        stop_timer(*c);
      }
      break;
    case phase::confirmed:
      nua_bye(c->handle, TAG_END());
      set_end(*c, "local_hangup", 0, "BYE");
      stop_timer(*c);
      c->reinvite_pending = false;
      break;
    case phase::ending:
      // Already on its way out; its `ended` is coming.
      return;
  }
  c->state = phase::ending;
  agent_.log("info", "call " + id_text(call_id) + ": hangup");
}

void sip_call_handler::answer_reinvite(uint64_t call_id, const std::string& sdp) {
  call* c = find(call_id, "answer_reinvite");
  if (c == nullptr) {
    return;
  }
  if (!c->reinvite_pending || sdp.empty()) {
    agent_.log("warning", "call " + id_text(call_id) + ": answer_reinvite ignored (" +
                              (sdp.empty() ? "no SDP" : "no re-INVITE pending") + ")");
    return;
  }
  std::string contact = agent_.contact_for(c->user);
  // Without NUTAG_WITH nua picks the pending INVITE server transaction: the re-INVITE.
  nua_respond(c->handle, SIP_200_OK, SIPTAG_CONTACT_STR(contact.c_str()),
              SIPTAG_CONTENT_TYPE_STR(sdp_type), SIPTAG_PAYLOAD_STR(sdp.c_str()), TAG_END());
  c->reinvite_pending = false;
  stop_timer(*c);
}

void sip_call_handler::respond_reinvite(uint64_t call_id, int status, const std::string& phrase) {
  call* c = find(call_id, "respond_reinvite");
  if (c == nullptr) {
    return;
  }
  if (!c->reinvite_pending || status < 300 || status >= 700 || !is_valid_phrase(phrase)) {
    agent_.log("warning", "call " + id_text(call_id) + ": respond_reinvite " +
                              std::to_string(status) + " ignored");
    return;
  }
  nua_respond(c->handle, status, lasting_phrase(status, phrase), TAG_END());
  c->reinvite_pending = false;
  stop_timer(*c);
}

void sip_call_handler::forget_all() {
  while (!by_id_.empty()) {
    call& c = *by_id_.begin()->second;
    // Queued before the handle's destruction, these still go out: nua handles its signals
    // in order.
    if (c.state == phase::early && c.dir == direction::incoming) {
      nua_respond(c.handle, SIP_480_TEMPORARILY_UNAVAILABLE, TAG_END());
    } else if (c.state == phase::early) {
      nua_cancel(c.handle, TAG_END());
    } else if (c.state == phase::confirmed) {
      nua_bye(c.handle, TAG_END());
    }
    forget(c.id);
  }
}

// -- sofia_event_sink ---------------------------------------------------------

void sip_call_handler::on_sofia_event(const sofia_event& event) {
  auto found = by_handle_.find(event.handle);
  if (found == by_handle_.end()) {
    // An unowned handle handed over by the agent: a new request.
    if (nua_event_is_incoming_request(event.kind)) {
      on_new_request(event);
    }
    return;
  }
  call& c = *by_id_.at(found->second);
  switch (event.kind) {
    case nua_r_invite:
      on_invite_response(c, event);
      break;
    case nua_i_invite:
      on_reinvite(c, event);
      break;
    case nua_i_ack:
      on_ack(c);
      break;
    case nua_i_cancel:
      // nua answers the CANCEL 200 and the INVITE 487; the terminated state follows.
      set_end(c, "remote_cancel", 487, sip_487_Request_terminated);
      c.state = phase::ending;
      stop_timer(c);
      break;
    case nua_i_bye:
      // nua answers 200; the terminated state follows.
      set_end(c, "remote_bye", 0, "BYE");
      c.state = phase::ending;
      stop_timer(c);
      break;
    case nua_i_info:
      on_info(c, event);
      break;
    case nua_i_state:
      on_state(c, event);
      break;
    case nua_i_error:
      on_error(c, event);
      break;
    default:
      // nua_r_bye, nua_r_cancel, nua_i_active, nua_i_terminated (the state event says it all),
      // nua_i_prack, nua_r_info...
      break;
  }
}

// -- incoming requests --------------------------------------------------------

void sip_call_handler::on_new_request(const sofia_event& event) {
  // 200 or more: nua already answered it (OPTIONS, or a check that failed).
  if (event.status < 200) {
    if (event.kind == nua_i_invite && event.message != nullptr) {
      on_new_invite(event);
      return;
    }
    // An in-dialog request (INFO with a To tag) for a dialog we do not have.
    nua_respond(event.handle, 481, "Call/Transaction Does Not Exist", NUTAG_WITH_THIS(agent_.nua()),
                TAG_END());
  }
  nua_handle_destroy(event.handle);
}

void sip_call_handler::on_new_invite(const sofia_event& event) {
  sip_t const* sip = event.message;
  url_t const* target = sip->sip_request != nullptr ? sip->sip_request->rq_url : nullptr;
  std::string user = target != nullptr && target->url_user != nullptr ? target->url_user : "";
  std::string call_id = sip->sip_call_id != nullptr && sip->sip_call_id->i_id != nullptr
                            ? sip->sip_call_id->i_id
                            : "";

  // Rejections happen before any event: there is no call for the application yet.
  auto reject = [&](int status, char const* phrase, char const* why) {
    nua_respond(event.handle, status, phrase, NUTAG_WITH_THIS(agent_.nua()),
                TAG_IF(status == 415, SIPTAG_ACCEPT_STR(sdp_type)), TAG_END());
    nua_handle_destroy(event.handle);
    agent_.log("info", "incoming INVITE " + call_id + " for " + user + " rejected " +
                           std::to_string(status) + ": " + why);
  };
  if (!has_body(sip)) {
    // A late offer needs our SDP offer in the 200 and the answer in the ACK; not supported yet.
    reject(488, sip_488_Not_acceptable, "no SDP offer (late offer not supported)");
    return;
  }
  if (!has_sdp_body(sip)) {
    reject(415, sip_415_Unsupported_media, "body is not application/sdp");
    return;
  }
  if (!is_valid_user(user)) {
    reject(404, sip_404_Not_found, "no usable user in the Request-URI");
    return;
  }

  auto c = std::make_unique<call>();
  c->id = incoming_call_id_bit | next_incoming_++;
  c->dir = direction::incoming;
  c->handle = event.handle;
  c->user = user;
  c->owner = this;
  // From now on the handle's events come to this sink.
  nua_handle_bind(event.handle, static_cast<sofia_event_sink*>(this));

  call_event incoming = event_for(c->id, call_event_kind::incoming);
  incoming.sdp = body_of(sip);
  if (sip->sip_from != nullptr) {
    incoming.from_uri = url_text(sip->sip_from->a_url);
    incoming.from_display = unquoted(sip->sip_from->a_display);
  }
  if (sip->sip_to != nullptr) {
    incoming.to_uri = url_text(sip->sip_to->a_url);
  }
  incoming.request_user = user;
  incoming.registration_id = registration_id_of(target);
  incoming.sip_call_id = call_id;

  uint64_t id = c->id;
  call& stored = *c;
  by_handle_.emplace(event.handle, id);
  by_id_.emplace(id, std::move(c));
  start_timer(stored, answer_timeout_);
  agent_.log("info", "call " + id_text(id) + ": incoming INVITE " + call_id + " from " +
                         incoming.from_uri + " for " + user + " (registration " +
                         std::to_string(incoming.registration_id) + ")");
  emit(incoming);
}

void sip_call_handler::on_reinvite(call& c, const sofia_event& event) {
  // 200 or more: nua answered it already (491 glare, 500 overlapping INVITEs).
  if (event.status >= 200 || event.message == nullptr) {
    return;
  }
  auto reject = [&](int status, char const* phrase) {
    nua_respond(c.handle, status, phrase, TAG_IF(status == 415, SIPTAG_ACCEPT_STR(sdp_type)),
                TAG_END());
    agent_.log("info", "call " + id_text(c.id) + ": re-INVITE rejected " + std::to_string(status));
  };
  if (c.state != phase::confirmed) {
    reject(SIP_491_REQUEST_PENDING);
  } else if (!has_body(event.message)) {
    // We would have to offer in the 200 and take the answer from the ACK.
    reject(SIP_488_NOT_ACCEPTABLE);
  } else if (!has_sdp_body(event.message)) {
    reject(SIP_415_UNSUPPORTED_MEDIA);
  } else {
    c.reinvite_pending = true;
    start_timer(c, answer_timeout_);
    call_event reinvite = event_for(c.id, call_event_kind::reinvite);
    reinvite.sdp = body_of(event.message);
    emit(reinvite);
  }
}

void sip_call_handler::on_ack(call& c) {
  // ACKs of re-INVITE answers need no event.
  if (c.dir != direction::incoming || c.answered || c.state != phase::confirmed) {
    return;
  }
  c.answered = true;
  call_event answered = event_for(c.id, call_event_kind::answered);
  answered.status = 200;
  answered.phrase = "OK";
  emit(answered);
}

void sip_call_handler::on_info(call& c, const sofia_event& event) {
  if (event.status >= 200 || event.message == nullptr) {
    return;
  }
  sip_t const* sip = event.message;
  std::optional<dtmf_press> press;
  int status = 200;
  char const* phrase = sip_200_OK;
  if (!has_body(sip)) {
    // Some peers probe a dialog with an empty INFO; 200 says it is alive.
  } else if (!is_dtmf_info_type(content_type_of(sip))) {
    status = 415;
    phrase = sip_415_Unsupported_media;
  } else {
    press = parse_dtmf_info(content_type_of(sip), body_of(sip));
    if (!press) {
      status = 400;
      phrase = "Bad DTMF";
    }
  }
  nua_respond(c.handle, status, phrase, NUTAG_WITH_THIS(agent_.nua()),
              TAG_IF(status == 415, SIPTAG_ACCEPT_STR(dtmf_types)), TAG_END());
  if (press) {
    call_event dtmf = event_for(c.id, call_event_kind::info_dtmf);
    dtmf.dtmf_digit = press->digit;
    dtmf.dtmf_duration_ms = press->duration_ms;
    emit(dtmf);
  }
}

// -- responses and state ------------------------------------------------------

void sip_call_handler::on_invite_response(call& c, const sofia_event& event) {
  if (c.dir != direction::outgoing) {
    return;
  }
  int status = event.status;
  if (status < 200) {
    // 100 Trying, or a request nua restarted itself (credentials, 422).
    if (status <= 100 || c.state != phase::early) {
      return;
    }
    call_event provisional = event_for(c.id, call_event_kind::provisional);
    provisional.status = status;
    provisional.phrase = event.phrase;
    provisional.sdp = sdp_of(event.message);
    if (!provisional.sdp.empty()) {
      c.early_answer = provisional.sdp;
    }
    emit(provisional);
    return;
  }

  stop_timer(c);
  if (status < 300) {
    if (c.state == phase::ending) {
      // The answer crossed our CANCEL; nua has ACKed it, the call must still be ended.
      nua_bye(c.handle, TAG_END());
      c.end_status = 0;
      c.end_phrase = "BYE";
      return;
    }
    if (c.answered) {
      // A second 2xx from another fork; nua deals with that dialog.
      return;
    }
    std::string sdp = sdp_of(event.message);
    if (sdp.empty()) {
      sdp = c.early_answer;
    }
    if (sdp.empty()) {
      // nua BYEs a 2xx that leaves its offer unanswered; the terminated state follows.
      set_end(c, "protocol_error", status, "no SDP answer");
      c.state = phase::ending;
      return;
    }
    c.state = phase::confirmed;
    c.answered = true;
    c.credentials_sent = false;
    call_event answered = event_for(c.id, call_event_kind::answered);
    answered.status = status;
    answered.phrase = event.phrase;
    answered.sdp = std::move(sdp);
    agent_.log("info", "call " + id_text(c.id) + ": answered " + std::to_string(status));
    emit(answered);
    return;
  }

  if (c.state == phase::ending) {
    // The final answer to an INVITE we cancelled (487 normally).
    if (c.end_reason == "local_hangup") {
      c.end_status = status;
      c.end_phrase = event.phrase;
    }
    return;
  }
  if ((status == 401 || status == 407) && c.state == phase::early) {
    if (answer_challenge(c, event)) {
      return;
    }
    // nua would wait for credentials for ever: nothing else ends this call.
    set_end(c, "auth_failed", status, event.phrase);
    finish(c);
    return;
  }
  c.state = phase::ending;
  if (event.generated_locally && status == 408) {
    set_end(c, "timeout", status, event.phrase);
  } else if (event.generated_locally && status >= 500 && status < 600) {
    set_end(c, "transport_error", status, event.phrase);
  } else if (event.generated_locally) {
    set_end(c, "terminated", status, event.phrase);
  } else if (status == 487) {
    // We did not cancel: nua did, when the INVITE timer ran out with no final answer.
    set_end(c, "timeout", 408, sip_408_Request_timeout);
  } else {
    set_end(c, "rejected", status, event.phrase);
  }
}

bool sip_call_handler::answer_challenge(call& c, const sofia_event& event) {
  // Challenged again after answering: the credentials are wrong (nua retries on its own when
  // the nonce merely went stale).
  if (c.credentials_sent || c.auth_user.empty()) {
    return false;
  }
  std::optional<std::string> credentials =
      digest_credentials(event.message, event.status, c.auth_user, c.auth_password);
  if (!credentials) {
    return false;
  }
  nua_authenticate(c.handle, NUTAG_AUTH(credentials->c_str()), TAG_END());
  c.credentials_sent = true;
  agent_.log("debug", "call " + id_text(c.id) + ": " + std::to_string(event.status) +
                          " challenge answered as " + c.auth_user);
  return true;
}

void sip_call_handler::on_state(call& c, const sofia_event& event) {
  int state = -1;
  tl_gets(event.tags, NUTAG_CALLSTATE_REF(state), TAG_END());
  if (state != nua_callstate_terminated) {
    return;
  }
  set_end(c, "terminated", event.status, event.phrase);
  finish(c);
}

void sip_call_handler::on_error(call& c, const sofia_event& event) {
  if (event.status == 408) {
    // No ACK for our 200 (or no PRACK): nua sends BYE; the terminated state follows.
    set_end(c, "timeout", 408, event.phrase);
    c.state = phase::ending;
  }
  agent_.log("warning", "call " + id_text(c.id) + ": nua error " + std::to_string(event.status) +
                            " " + event.phrase);
}

// -- timers -------------------------------------------------------------------

void sip_call_handler::on_timer(su_root_magic_t*, su_timer_t*, su_timer_arg_t* arg) {
  auto* c = static_cast<call*>(arg);
  // Exceptions must not unwind through sofia's C frames.
  try {
    c->owner->on_timeout(*c);
  } catch (const std::exception& e) {
    c->owner->agent_.log("error", std::string("call timer failed: ") + e.what());
  } catch (...) {
    c->owner->agent_.log("error", "call timer failed");
  }
}

void sip_call_handler::on_timeout(call& c) {
  // One-shot sofia timers may be destroyed from their own callback.
  stop_timer(c);
  if (c.dir == direction::outgoing && c.state == phase::early) {
    // The 487 that follows does not change the status: the call timed out.
    nua_cancel(c.handle, TAG_END());
    set_end(c, "timeout", 408, sip_408_Request_timeout);
    c.state = phase::ending;
    agent_.log("warning", "call " + id_text(c.id) + ": no final answer in time, sent CANCEL");
  } else if (c.dir == direction::incoming && c.state == phase::early) {
    nua_respond(c.handle, SIP_480_TEMPORARILY_UNAVAILABLE, TAG_END());
    set_end(c, "timeout", 480, sip_480_Temporarily_unavailable);
    c.state = phase::ending;
    agent_.log("warning", "call " + id_text(c.id) + ": INVITE not answered in time, sent 480");
  } else if (c.reinvite_pending) {
    nua_respond(c.handle, SIP_488_NOT_ACCEPTABLE, TAG_END());
    c.reinvite_pending = false;
    agent_.log("warning", "call " + id_text(c.id) + ": re-INVITE not answered in time, sent 488");
  }
}

void sip_call_handler::start_timer(call& c, std::chrono::milliseconds after) {
  stop_timer(c);
  c.timer = su_timer_create(su_root_task(agent_.root()), after.count());
  if (c.timer == nullptr || su_timer_set(c.timer, &sip_call_handler::on_timer, &c) < 0) {
    // The call still works; only the safety net is missing.
    agent_.log("error", "call " + id_text(c.id) + ": cannot start its timer");
  }
}

void sip_call_handler::stop_timer(call& c) {
  if (c.timer != nullptr) {
    su_timer_destroy(c.timer);
    c.timer = nullptr;
  }
}

// -- bookkeeping --------------------------------------------------------------

sip_call_handler::call* sip_call_handler::find(uint64_t call_id, const char* command) {
  auto it = by_id_.find(call_id);
  if (it == by_id_.end()) {
    agent_.log("debug",
               std::string(command) + " for unknown call " + id_text(call_id) + " ignored");
    return nullptr;
  }
  return it->second.get();
}

sip_call_handler::call* sip_call_handler::find_unanswered_incoming(uint64_t call_id,
                                                                   const char* command) {
  call* c = find(call_id, command);
  if (c != nullptr && (c->dir != direction::incoming || c->state != phase::early)) {
    agent_.log("warning", std::string(command) + " for call " + id_text(call_id) +
                              " ignored: not an unanswered incoming call");
    return nullptr;
  }
  return c;
}

void sip_call_handler::set_end(call& c, std::string reason, int status, std::string phrase) {
  if (!c.end_reason.empty()) {
    return;
  }
  c.end_reason = std::move(reason);
  c.end_status = status;
  c.end_phrase = std::move(phrase);
}

void sip_call_handler::finish(call& c) {
  call_event ended = event_for(c.id, call_event_kind::ended);
  ended.status = c.end_status;
  ended.phrase = c.end_phrase;
  ended.reason = c.end_reason;
  forget(c.id);
  agent_.log("info", "call " + id_text(ended.call_id) + " ended: " + ended.reason + " (" +
                         std::to_string(ended.status) + " " + ended.phrase + ")");
  emit(ended);
}

void sip_call_handler::refuse(uint64_t call_id, const std::string& why) {
  agent_.log("warning", "call " + id_text(call_id) + " refused locally: " + why);
  call_event ended = event_for(call_id, call_event_kind::ended);
  ended.phrase = why;
  ended.reason = "invalid_request";
  emit(ended);
}

void sip_call_handler::forget(uint64_t call_id) {
  auto it = by_id_.find(call_id);
  if (it == by_id_.end()) {
    return;
  }
  call& c = *it->second;
  stop_timer(c);
  nua_handle_t* handle = c.handle;
  by_handle_.erase(handle);
  by_id_.erase(it);
  // nua delivers nothing for the handle afterwards.
  nua_handle_destroy(handle);
}

void sip_call_handler::emit(const call_event& event) {
  if (!on_event_) {
    return;
  }
  try {
    on_event_(event);
  } catch (const std::exception& e) {
    agent_.log("error", std::string("call listener threw: ") + e.what());
  } catch (...) {
    agent_.log("error", "call listener threw");
  }
}

}  // namespace wrtc::sip
