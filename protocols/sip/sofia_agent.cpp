// The SIP thread's sofia objects (su_root, nua) and the routing of nua events to their owners.
#include "protocols/sip/sofia_agent.hpp"

#include <netdb.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/tport_tag.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "protocols/sip/sofia_logging.hpp"

namespace wrtc::sip {
namespace {

// Methods we answer ourselves. OPTIONS is answered by nua; INVITE and INFO reach the inbound sink
// (or the 480 fallback). Anything else gets 405 with this list. UPDATE is left out on purpose:
// with media disabled nua answers an UPDATE offer 200 on its own, without an SDP answer, and
// believes the offer/answer done; peers that see no UPDATE in Allow use re-INVITE. PRACK is left
// out with 100rel (see supported_extensions).
constexpr char const* allowed_methods = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO";

// Without this nua answers INFO 200 on its own; the application decides.
constexpr char const* application_methods = "INVITE, INFO";

// How long open() waits for nua to report the contact it derived from the bound sockets. nua
// answers on the next loop turn; this only guards against a stack that never does.
constexpr std::chrono::seconds contact_wait{5};

// Worst case for close() when nua was never shut down: nua gives up after 30 s itself.
constexpr std::chrono::seconds shutdown_wait{35};

bool is_wildcard(std::string_view address) {
  return address.empty() || address == "0.0.0.0" || address == "::" || address == "*";
}

// Tries to bind what sofia could not, UDP then TCP, and returns ": <reason>" for the first
// failure (port in use, address not local), or "" when both bind or the host is not numeric.
std::string why_bind_fails(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
  hints.ai_family = AF_UNSPEC;
  std::string service = std::to_string(port);
  for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
    hints.ai_socktype = type;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
      return {};
    }
    int fd = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, 0);
    bool bound = fd >= 0 && ::bind(fd, found->ai_addr, found->ai_addrlen) == 0;
    int err = bound ? 0 : errno;
    if (fd >= 0) {
      ::close(fd);
    }
    ::freeaddrinfo(found);
    if (err != 0) {
      return std::string(": ") + (type == SOCK_DGRAM ? "udp " : "tcp ") + std::strerror(err);
    }
  }
  return {};
}

}  // namespace

sofia_agent::sofia_agent(const sip_stack_config& cfg) : cfg_(cfg) {
  // nop
}

sofia_agent::~sofia_agent() {
  close();
}

bool sofia_agent::open(std::string& error) {
  configure_sofia_logging();

  if (!cfg_.proxy.empty()) {
    if (!parse_proxy_address(cfg_.proxy, proxy_, error)) {
      return false;
    }
    has_proxy_ = true;
  }

  root_ = su_root_create(nullptr);
  if (root_ == nullptr) {
    error = "su_root_create failed";
    return false;
  }

  // "::" stays as given (every IPv6 address); the other wildcards mean every IPv4 address.
  std::string bind_host =
      is_wildcard(cfg_.bind_address) && cfg_.bind_address != "::" ? "0.0.0.0" : cfg_.bind_address;
  // sofia spells "any free port" as "*"; it then binds TCP on the port UDP got.
  std::string bind_port = cfg_.port == 0 ? "*" : std::to_string(cfg_.port);
  std::string bind_url = "sip:" + uri_host(bind_host) + ":" + bind_port;
  std::string proxy_uri = has_proxy_ ? proxy_.uri() : std::string{};
  std::string user_agent = cfg_.user_agent.empty() ? "wrtc" : cfg_.user_agent;
  auto sip_t1 = static_cast<unsigned>(std::max<long long>(cfg_.sip_t1.count(), 1));

  // clang-format off
  nua_ = nua_create(root_, &sofia_agent::on_nua_event, this,
                    NUTAG_URL(bind_url.c_str()),
                    TAG_IF(has_proxy_, NUTAG_PROXY(proxy_uri.c_str())),
                    SIPTAG_USER_AGENT_STR(user_agent.c_str()),
                    SIPTAG_ALLOW_STR(allowed_methods),
                    NUTAG_APPL_METHOD(application_methods),
                    // SDP is written by the media layer, not by sofia's offer/answer engine.
                    NUTAG_MEDIA_ENABLE(0),
                    // The application answers every INVITE itself (after 100 Trying, sent by
                    // nua at once); nua only ACKs the 2xx answers to our INVITEs.
                    NUTAG_AUTOANSWER(0),
                    NUTAG_AUTOALERT(0),
                    NUTAG_AUTOACK(1),
                    // No session timers: nua's defaults would ask for Session-Expires: 1800 and
                    // refresh with re-INVITEs carrying the INVITE's SDP. nua's own Supported
                    // ("timer, 100rel") is replaced by none: without "timer" nua neither asks
                    // for nor honours Session-Expires, and without "100rel" every provisional
                    // response is unreliable (no PRACK); an INVITE that Requires an extension
                    // gets 420.
                    NUTAG_SESSION_TIMER(0),
                    NUTAG_SESSION_REFRESHER(nua_no_refresher),
                    SIPTAG_SUPPORTED(nullptr),
                    // nua's own "CANCEL after so many seconds without a final answer" never
                    // fires in this sofia build; the call handler keeps that timer itself.
                    NUTAG_INVITE_TIMER(0),
                    // Retransmissions start at T1; timers B and F (64*T1) are a separate
                    // setting that nta does not derive from a changed T1. Only tests lower them.
                    NTATAG_SIP_T1(sip_t1),
                    NTATAG_SIP_T1X64(64 * sip_t1),
                    // We give REGISTER an explicit Contact; the outbound engine's NAT probing,
                    // self-OPTIONS validation and keepalives would only add traffic (and may
                    // un-register on their own) in a gateway sitting next to its proxy.
                    NUTAG_OUTBOUND("no-natify no-options-keepalive no-validate"),
                    NUTAG_KEEPALIVE(0),
                    // RFC 3261 18.1.1 makes nta switch a large UDP request to TCP; a UDP-only
                    // proxy would then never see our bigger INVITEs. Fragmentation is the lesser
                    // evil next to a known proxy.
                    NTATAG_UDP_MTU(65535),
                    // nua enables a STUN server on the SIP port, which answers binding requests
                    // and writes to stderr past su_log for any datagram starting with 0x00/0x01.
                    TPTAG_STUN_SERVER(0),
                    TAG_END());
  // clang-format on
  if (nua_ == nullptr) {
    // sofia does not say why; the usual reasons are worth naming.
    error = "cannot start SIP on " + bind_url + why_bind_fails(bind_host, cfg_.port);
    return false;
  }

  // The nua answer carries the Contact nua derived from its sockets: the real port when we
  // asked for any, and the primary interface address when bound to a wildcard.
  nua_get_params(nua_, TAG_ANY(), TAG_END());
  auto deadline = std::chrono::steady_clock::now() + contact_wait;
  while (!contact_known_ && std::chrono::steady_clock::now() < deadline) {
    if (su_root_step(root_, 100) < 0) {
      break;
    }
  }
  if (!contact_known_ || port_ == 0) {
    error = "nua did not report its bound address";
    return false;
  }
  if (!cfg_.contact_host.empty()) {
    contact_host_ = cfg_.contact_host;
  } else if (!is_wildcard(cfg_.bind_address)) {
    contact_host_ = cfg_.bind_address;
  }
  log("info", "SIP listening on " + uri_host(bind_host) + ":" + std::to_string(port_) +
                  " (udp, tcp), contact host " + contact_host_ +
                  (has_proxy_ ? ", outbound proxy " + proxy_uri : ", no outbound proxy"));
  return true;
}

void sofia_agent::run() {
  if (root_ != nullptr && !shutdown_done_) {
    su_root_run(root_);
  }
}

void sofia_agent::shutdown() {
  if (nua_ == nullptr || shutdown_started_) {
    return;
  }
  shutdown_started_ = true;
  nua_shutdown(nua_);
}

void sofia_agent::close() {
  if (nua_ != nullptr) {
    // nua_destroy() refuses to run before nua_r_shutdown has said it is done.
    shutdown();
    auto deadline = std::chrono::steady_clock::now() + shutdown_wait;
    while (!shutdown_done_ && std::chrono::steady_clock::now() < deadline) {
      if (su_root_step(root_, 500) < 0) {
        break;
      }
    }
    if (shutdown_done_) {
      nua_destroy(nua_);
    } else {
      log("error", "nua did not finish shutting down; leaking it");
    }
    nua_ = nullptr;
  }
  if (root_ != nullptr) {
    su_root_destroy(root_);
    root_ = nullptr;
  }
}

std::string sofia_agent::contact_for(std::string_view user, std::string_view uri_params) const {
  std::string contact = "<sip:";
  contact += user;
  contact += "@" + uri_host(contact_host_) + ":" + std::to_string(port_);
  if (has_proxy_ && proxy_.tcp) {
    contact += ";transport=tcp";
  }
  contact += uri_params;
  contact += ">";
  return contact;
}

void sofia_agent::log(std::string_view level, std::string_view message) const {
  if (cfg_.log) {
    cfg_.log(level, message);
  }
}

void sofia_agent::on_nua_event(nua_event_t event, int status, char const* phrase, nua_t* nua,
                               nua_magic_t* magic, nua_handle_t* nh, nua_hmagic_t* hmagic,
                               sip_t const* sip, tagi_t tags[]) {
  auto* self = static_cast<sofia_agent*>(magic);
  // During a response event nua's "current request" is the response message itself.
  msg_t* current = nua_current_request(nua);
  bool local = sip == nullptr || (current != nullptr && nta_is_internal_msg(current) != 0);
  sofia_event ev{event, status, phrase != nullptr ? phrase : "", nh, sip, tags, local};
  // Exceptions must not unwind through sofia's C frames.
  try {
    self->dispatch(ev, hmagic);
  } catch (const std::exception& e) {
    self->log("error", std::string("SIP event ") + nua_event_name(event) + " failed: " + e.what());
  } catch (...) {
    self->log("error", std::string("SIP event ") + nua_event_name(event) + " failed");
  }
}

void sofia_agent::dispatch(const sofia_event& event, nua_hmagic_t* hmagic) {
  if (hmagic != nullptr) {
    // Every handle we create or bind carries a sofia_event_sink* as its magic.
    static_cast<sofia_event_sink*>(hmagic)->on_sofia_event(event);
  } else if (event.handle == nullptr) {
    on_stack_event(event);
  } else {
    on_unowned_event(event);
  }
}

void sofia_agent::on_stack_event(const sofia_event& event) {
  switch (event.kind) {
    case nua_r_get_params: {
      sip_contact_t const* contact = nullptr;
      tl_gets(event.tags, NTATAG_CONTACT_REF(contact), TAG_END());
      if (contact != nullptr && contact->m_url->url_host != nullptr) {
        // IPv6 hosts come as URI references; contact_for() adds the brackets back.
        std::string_view host = contact->m_url->url_host;
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
          host = host.substr(1, host.size() - 2);
        }
        contact_host_ = std::string(host);
        char const* port = contact->m_url->url_port;
        port_ = static_cast<uint16_t>(port != nullptr && *port != '\0' ? std::atoi(port) : 5060);
        contact_known_ = true;
      }
      break;
    }
    case nua_r_shutdown:
      // 100 and 101 report progress; 200 is done, 500 is nua giving up after 30 s.
      if (event.status >= 200) {
        shutdown_done_ = true;
        su_root_break(root_);
      }
      break;
    case nua_i_error:
      log("warning",
          std::string("nua error: ") + std::to_string(event.status) + " " + event.phrase);
      break;
    default:
      // Requests nua refused on its own (no handle) and informational events land here.
      break;
  }
}

void sofia_agent::on_unowned_event(const sofia_event& event) {
  if (!nua_event_is_incoming_request(event.kind)) {
    // E.g. the state change of an INVITE we are rejecting; the handle is already on its way out.
    return;
  }
  if (inbound_sink_ != nullptr) {
    inbound_sink_->on_sofia_event(event);
    return;
  }
  // A status of 200 or more means nua already answered (OPTIONS); we only release the handle.
  if (event.status < 200) {
    nua_respond(event.handle, 480, "Temporarily Unavailable", NUTAG_WITH_THIS(nua_), TAG_END());
    if (event.message != nullptr && event.message->sip_request != nullptr) {
      log("debug", std::string("rejected inbound ") + event.message->sip_request->rq_method_name +
                       " with 480: no call handling yet");
    }
  }
  nua_handle_destroy(event.handle);
}

}  // namespace wrtc::sip
