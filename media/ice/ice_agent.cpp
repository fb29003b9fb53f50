// Full ICE (RFC 5245) toward the browser: one libnice agent, one stream, one component (rtcp-mux).
// The only file that calls libnice.
#include "media/ice/ice_agent.hpp"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <nice/agent.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include "media/worker/media_worker.hpp"
#include "media/worker/port_allocator.hpp"

namespace wrtc::media {

namespace {

constexpr guint component_id = 1;  // rtcp-mux: RTP and RTCP share component 1

// Host-port attempts before gather() gives up (a port of the range may be held by another
// process; libnice then fails the gathering and a fresh port is tried).
constexpr int port_attempts = 8;

ice_state from_nice(guint state) {
  switch (state) {
    case NICE_COMPONENT_STATE_GATHERING:
      return ice_state::gathering;
    case NICE_COMPONENT_STATE_CONNECTING:
      return ice_state::connecting;
    case NICE_COMPONENT_STATE_CONNECTED:
      return ice_state::connected;
    case NICE_COMPONENT_STATE_READY:
      return ice_state::ready;
    case NICE_COMPONENT_STATE_FAILED:
      return ice_state::failed;
    default:
      return ice_state::disconnected;
  }
}

bool is_ip_literal(const std::string& host) {
  in_addr v4;
  in6_addr v6;
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Rewrites a remote candidate attribute into what libnice's parser takes (`a=candidate:`, UDP in
// upper case); nothing for lines we do not use.
std::optional<std::string> normalize_candidate(std::string_view line) {
  if (line.starts_with("a=")) line.remove_prefix(2);
  constexpr std::string_view prefix = "candidate:";
  if (!line.starts_with(prefix)) return std::nullopt;
  line.remove_prefix(prefix.size());
  std::vector<std::string_view> tokens;
  while (!line.empty()) {
    auto sp = line.find(' ');
    auto tok = line.substr(0, sp);
    if (!tok.empty()) tokens.push_back(tok);
    if (sp == std::string_view::npos) break;
    line.remove_prefix(sp + 1);
  }
  // foundation component transport priority address port "typ" type [key value]...
  if (tokens.size() < 8 || tokens[6] != "typ") return std::nullopt;
  if (tokens[1] != "1") return std::nullopt;
  std::string transport{tokens[2]};
  std::transform(transport.begin(), transport.end(), transport.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (transport != "UDP") return std::nullopt;
  uint32_t priority = 0;
  auto prio = tokens[3];
  if (std::from_chars(prio.data(), prio.data() + prio.size(), priority).ec != std::errc{})
    return std::nullopt;
  std::string out = "a=candidate:";
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += ' ';
    out += (i == 2) ? std::string_view{transport} : tokens[i];
  }
  return out;
}

const char* candidate_type_name(NiceCandidateType type) {
  switch (type) {
    case NICE_CANDIDATE_TYPE_HOST:
      return "host";
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
      return "srflx";
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE:
      return "prflx";
    case NICE_CANDIDATE_TYPE_RELAYED:
      return "relay";
  }
  return "?";
}

std::string describe(const NiceCandidate* c) {
  char addr[NICE_ADDRESS_STRING_LEN];
  nice_address_to_string(&c->addr, addr);
  return std::string{candidate_type_name(c->type)} + ' ' + addr + ':' +
         std::to_string(nice_address_get_port(&c->addr));
}

// -- libnice signal trampolines ------------------------------------------------

void on_nice_gathering_done(NiceAgent*, guint, gpointer self) {
  static_cast<ice_agent*>(self)->on_gathering_done();
}

void on_nice_state_changed(NiceAgent*, guint stream_id, guint component, guint state,
                           gpointer self) {
  static_cast<ice_agent*>(self)->on_state_changed(stream_id, component, state);
}

void on_nice_selected_pair(NiceAgent*, guint, guint component, NiceCandidate* local,
                           NiceCandidate* remote, gpointer self) {
  if (component == component_id) static_cast<ice_agent*>(self)->on_selected_pair(local, remote);
}

void on_nice_receive(NiceAgent*, guint, guint component, guint len, gchar* buf, gpointer self) {
  if (component == component_id)
    static_cast<ice_agent*>(self)->on_receive(reinterpret_cast<uint8_t*>(buf), len);
}

// Keeps the ordering of "a call into libnice may emit a signal synchronously" explicit.
struct api_scope {
  explicit api_scope(int& depth) : depth_(depth) { ++depth_; }
  ~api_scope() { --depth_; }
  int& depth_;
};

}  // namespace

// -- free functions -------------------------------------------------------------

const char* to_string(ice_state state) {
  switch (state) {
    case ice_state::disconnected:
      return "disconnected";
    case ice_state::gathering:
      return "gathering";
    case ice_state::connecting:
      return "connecting";
    case ice_state::connected:
      return "connected";
    case ice_state::ready:
      return "ready";
    case ice_state::failed:
      return "failed";
  }
  return "?";
}

std::optional<turn_server> turn_server::from_uri(std::string_view uri, std::string username,
                                                 std::string password) {
  uri = trim(uri);
  if (!uri.starts_with("turn:")) return std::nullopt;
  uri.remove_prefix(5);
  if (auto q = uri.find('?'); q != std::string_view::npos) {
    auto query = uri.substr(q + 1);
    uri = uri.substr(0, q);
    if (query != "transport=udp") return std::nullopt;
  }
  turn_server out;
  std::string_view port_part;
  if (uri.starts_with('[')) {
    auto close = uri.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string{uri.substr(1, close - 1)};
    auto rest = uri.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port_part = rest.substr(1);
    }
  } else {
    auto colon = uri.rfind(':');
    out.host = std::string{uri.substr(0, colon)};
    if (colon != std::string_view::npos) port_part = uri.substr(colon + 1);
  }
  if (!port_part.empty()) {
    unsigned port = 0;
    auto res = std::from_chars(port_part.data(), port_part.data() + port_part.size(), port);
    if (res.ec != std::errc{} || res.ptr != port_part.data() + port_part.size() || port == 0 ||
        port > 65535)
      return std::nullopt;
    out.port = static_cast<uint16_t>(port);
  }
  if (!is_ip_literal(out.host)) return std::nullopt;
  out.username = std::move(username);
  out.password = std::move(password);
  return out;
}

// -- any thread -------------------------------------------------------------------

bool ice_agent::check_library(std::string& error) {
  // `stun_agent_init` exists in libnice only; every libnice STUN symbol must come from the same
  // object as it does.
  static constexpr const char* shared_names[] = {"stun_message_length", "stun_message_find",
                                                 "stun_message_validate_buffer_length",
                                                 "stun_agent_validate"};
  Dl_info reference{};
  void* anchor = dlsym(RTLD_DEFAULT, "stun_agent_init");
  if (anchor == nullptr || dladdr(anchor, &reference) == 0) {
    error = "ice: libnice's STUN symbols are not visible to dlsym";
    return false;
  }
  for (const char* name : shared_names) {
    Dl_info info{};
    void* sym = dlsym(RTLD_DEFAULT, name);
    if (sym == nullptr || dladdr(sym, &info) == 0) continue;
    if (info.dli_fbase != reference.dli_fbase) {
      error = std::string{"ice: "} + name + " resolves to " +
              (info.dli_fname ? info.dli_fname : "?") + " instead of " +
              (reference.dli_fname ? reference.dli_fname : "libnice") +
              ": link libnice before it (ICE would never connect)";
      return false;
    }
  }
  return true;
}

// -- constructors and destructors -----------------------------------------------

ice_agent::ice_agent(media_worker& worker, port_allocator* ports, ice_agent_config config,
                     ice_agent_listener& listener)
    : worker_(&worker),
      ports_(ports),
      listener_(&listener),
      config_(std::move(config)),
      deferred_timer_(worker) {
  // Regular nomination (the only kind RFC 8445 keeps); trickle so that an explicit
  // end-of-candidates is what lets checks conclude in `failed`; consent freshness (RFC 7675) so
  // that a browser that vanished fails the component instead of leaving it connected.
  auto flags = static_cast<NiceAgentOption>(NICE_AGENT_OPTION_REGULAR_NOMINATION |
                                            NICE_AGENT_OPTION_ICE_TRICKLE |
                                            NICE_AGENT_OPTION_CONSENT_FRESHNESS);
  agent_ = nice_agent_new_full(worker.context(), NICE_COMPATIBILITY_RFC5245, flags);
  // libnice defaults to UPnP on (when built with it) and ICE-TCP on: both off.
  g_object_set(agent_, "controlling-mode", config_.controlling ? TRUE : FALSE, "ice-tcp", FALSE,
               "ice-udp", TRUE, nullptr);
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(agent_), "upnp") != nullptr)
    g_object_set(agent_, "upnp", FALSE, nullptr);
  g_signal_connect(agent_, "candidate-gathering-done", G_CALLBACK(on_nice_gathering_done), this);
  g_signal_connect(agent_, "component-state-changed", G_CALLBACK(on_nice_state_changed), this);
  g_signal_connect(agent_, "new-selected-pair-full", G_CALLBACK(on_nice_selected_pair), this);
  stream_id_ = nice_agent_add_stream(agent_, 1);
  nice_agent_set_stream_name(agent_, stream_id_, "audio");
  gchar* ufrag = nullptr;
  gchar* pwd = nullptr;
  if (nice_agent_get_local_credentials(agent_, stream_id_, &ufrag, &pwd)) {
    local_ufrag_ = ufrag;
    local_pwd_ = pwd;
  }
  g_free(ufrag);
  g_free(pwd);
  nice_agent_attach_recv(agent_, stream_id_, component_id, worker.context(), &on_nice_receive,
                         this);
}

ice_agent::~ice_agent() {
  deferred_timer_.stop();
  g_signal_handlers_disconnect_by_data(agent_, this);
  nice_agent_attach_recv(agent_, stream_id_, component_id, worker_->context(), nullptr, nullptr);
  // The close task holds its own reference: the agent lives until the TURN allocation is
  // released, then goes.
  if (config_.turn && port_ != 0) nice_agent_close_async(agent_, nullptr, nullptr);
  g_object_unref(agent_);
  if (port_owned_ && ports_ != nullptr) ports_->release(port_);
}

// -- worker thread ----------------------------------------------------------------

bool ice_agent::gather(std::string& error) {
  api_scope scope{api_depth_};
  NiceAddress addr;
  nice_address_init(&addr);
  if (!nice_address_set_from_string(&addr, config_.address.c_str())) {
    error = "ice: media address is not an IP address: " + config_.address;
    return false;
  }
  // Only this address: once one is added libnice enumerates no interfaces.
  nice_agent_add_local_address(agent_, &addr);
  if (config_.turn) {
    const auto& t = *config_.turn;
    if (!nice_agent_set_relay_info(agent_, stream_id_, component_id, t.host.c_str(), t.port,
                                   t.username.c_str(), t.password.c_str(),
                                   NICE_RELAY_TYPE_TURN_UDP)) {
      error = "ice: TURN server refused by libnice: " + t.host;
      return false;
    }
  }
  for (int attempt = 0; attempt < port_attempts; ++attempt) {
    uint16_t port = 0;
    if (ports_ != nullptr) {
      auto p = ports_->acquire();
      if (!p) {
        error = "ice: media port range exhausted";
        return false;
      }
      port = *p;
    }
    nice_agent_set_port_range(agent_, stream_id_, component_id, port, port);
    if (nice_agent_gather_candidates(agent_, stream_id_)) {
      port_owned_ = port != 0;
      port_ = port;
      if (port_ == 0) {
        // The kernel chose: read it back from the host candidate.
        GSList* cands = nice_agent_get_local_candidates(agent_, stream_id_, component_id);
        for (GSList* i = cands; i != nullptr; i = i->next) {
          auto* c = static_cast<NiceCandidate*>(i->data);
          if (c->type == NICE_CANDIDATE_TYPE_HOST && port_ == 0)
            port_ = static_cast<uint16_t>(nice_address_get_port(&c->addr));
        }
        g_slist_free_full(cands, reinterpret_cast<GDestroyNotify>(&nice_candidate_free));
      }
      return true;
    }
    if (ports_ != nullptr) ports_->release(port);
    if (ports_ == nullptr) break;
  }
  error = "ice: no host candidate on " + config_.address + " (every port tried is taken)";
  return false;
}

std::vector<std::string> ice_agent::local_candidates() const {
  std::vector<std::string> out;
  GSList* cands = nice_agent_get_local_candidates(agent_, stream_id_, component_id);
  for (GSList* i = cands; i != nullptr; i = i->next) {
    gchar* sdp =
        nice_agent_generate_local_candidate_sdp(agent_, static_cast<NiceCandidate*>(i->data));
    if (sdp != nullptr) {
      std::string_view line{sdp};
      if (line.starts_with("a=")) line.remove_prefix(2);
      out.emplace_back(line);
      g_free(sdp);
    }
  }
  g_slist_free_full(cands, reinterpret_cast<GDestroyNotify>(&nice_candidate_free));
  return out;
}

bool ice_agent::set_remote_credentials(const std::string& ufrag, const std::string& pwd) {
  api_scope scope{api_depth_};
  if (ufrag.empty() || pwd.empty()) return false;
  bool ok = nice_agent_set_remote_credentials(agent_, stream_id_, ufrag.c_str(), pwd.c_str());
  flush_deferred();
  return ok;
}

int ice_agent::add_remote_candidates(const std::vector<std::string>& lines) {
  int added = 0;
  bool end = false;
  {
    api_scope scope{api_depth_};
    GSList* list = nullptr;
    for (const auto& raw : lines) {
      auto line = trim(raw);
      if (line == "end-of-candidates" || line == "a=end-of-candidates") {
        end = true;
        continue;
      }
      auto normalized = normalize_candidate(line);
      if (!normalized) continue;
      NiceCandidate* c =
          nice_agent_parse_remote_candidate_sdp(agent_, stream_id_, normalized->c_str());
      if (c == nullptr) continue;  // e.g. an mDNS name: libnice takes IP literals only
      list = g_slist_append(list, c);
    }
    if (list != nullptr) {
      int n = nice_agent_set_remote_candidates(agent_, stream_id_, component_id, list);
      added = n > 0 ? n : 0;
      g_slist_free_full(list, reinterpret_cast<GDestroyNotify>(&nice_candidate_free));
    }
  }
  if (end)
    remote_gathering_done();
  else
    flush_deferred();
  return added;
}

void ice_agent::remote_gathering_done() {
  {
    api_scope scope{api_depth_};
    nice_agent_peer_candidate_gathering_done(agent_, stream_id_);
  }
  flush_deferred();
}

bool ice_agent::send(const uint8_t* data, size_t len) {
  if (state_ != ice_state::connected && state_ != ice_state::ready) return false;
  auto sent = nice_agent_send(agent_, stream_id_, component_id, static_cast<guint>(len),
                              reinterpret_cast<const gchar*>(data));
  return sent == static_cast<gint>(len);
}

// -- libnice callbacks --------------------------------------------------------------

void ice_agent::on_gathering_done() {
  gathering_done_ = true;
  if (api_depth_ > 0) {
    deferred_gathering_done_ = true;
    flush_deferred();
    return;
  }
  listener_->ice_gathering_done(*this);
}

void ice_agent::on_state_changed(unsigned stream_id, unsigned component, unsigned state) {
  if (stream_id != stream_id_ || component != component_id) return;
  state_ = from_nice(state);
  if (api_depth_ > 0) {
    deferred_state_ = state_;
    flush_deferred();
    return;
  }
  deferred_state_.reset();  // anything deferred is older than this
  listener_->ice_state_changed(*this, state_);
}

void ice_agent::on_selected_pair(const void* local, const void* remote) {
  selected_pair_ = describe(static_cast<const NiceCandidate*>(local)) + " -> " +
                   describe(static_cast<const NiceCandidate*>(remote));
}

void ice_agent::flush_deferred() {
  if (!deferred_gathering_done_ && !deferred_state_) return;
  if (deferred_scheduled_) return;
  deferred_scheduled_ = true;
  deferred_timer_.start_once(std::chrono::milliseconds{0}, [this] {
    deferred_scheduled_ = false;
    if (std::exchange(deferred_gathering_done_, false)) listener_->ice_gathering_done(*this);
    if (auto st = std::exchange(deferred_state_, std::nullopt))
      listener_->ice_state_changed(*this, *st);
  });
}

}  // namespace wrtc::media
