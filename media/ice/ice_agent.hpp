// Full ICE (RFC 5245) toward the browser: one libnice agent, one stream, one component (rtcp-mux).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/worker/worker_timer.hpp"

struct _NiceAgent;

namespace wrtc::media {

class media_worker;
class port_allocator;
class ice_agent;

/// A TURN server reached over UDP; `host` is an IP literal (libnice does not resolve names).
struct turn_server {
  std::string host;
  uint16_t port = 3478;
  std::string username;
  std::string password;

  /// Parses `turn:<ip>[:port][?transport=udp]` (also `turns:` is refused: TLS is not supported
  /// here). Nothing when the URI is malformed, names a host name, or asks for TCP.
  static std::optional<turn_server> from_uri(std::string_view uri, std::string username,
                                             std::string password);
};

/// What an agent is built with.
struct ice_agent_config {
  /// The only address host candidates are gathered on (`media.address`).
  std::string address;
  /// Controlling (sends USE-CANDIDATE, regular nomination) or controlled.
  bool controlling = false;
  /// Adds a relay candidate when set.
  std::optional<turn_server> turn;
};

/// ICE states as libnice reports them for our component.
enum class ice_state { disconnected, gathering, connecting, connected, ready, failed };

/// Name of a state, for logs.
const char* to_string(ice_state state);

/// What an agent reports to its owner, always on the worker thread and never from inside one of
/// the agent's own methods (reports raised during a call are deferred to the next loop turn).
/// The owner must not destroy the agent from inside a callback.
class ice_agent_listener {
 public:
  virtual ~ice_agent_listener() = default;

  /// Local candidates are complete (host, and relay when TURN is configured and answered).
  virtual void ice_gathering_done(ice_agent& agent) = 0;

  /// The component changed state: connected (a pair works), ready (checks finished), failed.
  virtual void ice_state_changed(ice_agent& agent, ice_state state) = 0;

  /// A datagram from the selected path. `data` is writable in place (SRTP unprotects into it)
  /// and valid only during the call.
  virtual void ice_datagram(ice_agent& agent, uint8_t* data, size_t len) = 0;
};

/// RAII wrapper of one `NiceAgent` living on one worker: created, used and destroyed on that
/// worker's thread. Host candidates come from `config.address` only (no interface enumeration,
/// no UPnP, no ICE-TCP); the host port comes from the engine's port range.
class ice_agent {
 public:
  // -- constructors and destructors ------------------------------------------

  /// Creates the agent on `worker`'s context. `ports` may be null (tests): the kernel then picks
  /// the port. Call gather() next.
  ice_agent(media_worker& worker, port_allocator* ports, ice_agent_config config,
            ice_agent_listener& listener);

  /// Releases the agent (deallocating the TURN relay asynchronously when one was used) and the
  /// port.
  ~ice_agent();

  ice_agent(const ice_agent&) = delete;
  ice_agent& operator=(const ice_agent&) = delete;

  // -- any thread ------------------------------------------------------------

  /// Whether the process runs libnice's own STUN code. Another library loaded before libnice
  /// that exports one of its symbols takes its place for libnice too (sofia-sip exports
  /// `stun_message_length`): ICE then never connects, silently. False with `error` naming the
  /// library that won; see media/CMakeLists.txt for the link-order fix.
  static bool check_library(std::string& error);

  // -- worker thread ---------------------------------------------------------

  /// Starts gathering; ice_gathering_done follows. False with `error` set when no host
  /// candidate could be created (bad address, port range exhausted or every port taken).
  bool gather(std::string& error);

  /// Local ICE credentials (valid after construction).
  const std::string& local_ufrag() const { return local_ufrag_; }
  const std::string& local_pwd() const { return local_pwd_; }

  /// Local candidates as SDP attribute values (`candidate:1 1 UDP 2013266431 10.0.0.5 40000 typ
  /// host`, without the `a=`), for the SDP builder or a trickle message.
  std::vector<std::string> local_candidates() const;

  /// The host port in use (0 before gather()).
  uint16_t local_port() const { return port_; }

  /// The remote peer's credentials (from its SDP `a=ice-ufrag` / `a=ice-pwd`).
  bool set_remote_credentials(const std::string& ufrag, const std::string& pwd);

  /// Adds remote candidates, each `candidate:...` or `a=candidate:...` (transport in any case).
  /// Lines that are not UDP, not component 1 (rtcp-mux), or carry a name (mDNS `.local`) are
  /// skipped. The line `end-of-candidates` (with or without `a=`) calls remote_gathering_done().
  /// Returns how many candidates were added.
  int add_remote_candidates(const std::vector<std::string>& lines);

  /// The peer sent every candidate: lets the component reach `failed` once its checks failed.
  void remote_gathering_done();

  /// Sends one datagram on the selected pair. False before ICE connects or when the socket
  /// refuses (the caller counts it; nothing is queued).
  bool send(const uint8_t* data, size_t len);

  /// Current state of the component.
  ice_state state() const { return state_; }

  /// Whether this side is controlling.
  bool controlling() const { return config_.controlling; }

  /// "local-type local-addr -> remote-type remote-addr" of the selected pair, for logs.
  const std::string& selected_pair() const { return selected_pair_; }

  // -- libnice callbacks (internal) ------------------------------------------

  void on_gathering_done();
  void on_state_changed(unsigned stream_id, unsigned component_id, unsigned state);
  void on_selected_pair(const void* local, const void* remote);
  void on_receive(uint8_t* data, size_t len) { listener_->ice_datagram(*this, data, len); }

 private:
  void flush_deferred();

  // Passed by argument.
  media_worker* worker_;
  // Passed by argument (may be null).
  port_allocator* ports_;
  // Passed by argument.
  ice_agent_listener* listener_;
  ice_agent_config config_;
  // Allocated by this (a GObject reference).
  _NiceAgent* agent_{nullptr};
  unsigned stream_id_{0};
  uint16_t port_{0};
  bool port_owned_{false};
  std::string local_ufrag_;
  std::string local_pwd_;
  std::string selected_pair_;
  ice_state state_{ice_state::disconnected};

  // Reports raised while one of our methods runs wait for the next loop turn.
  int api_depth_{0};
  bool deferred_scheduled_{false};
  bool deferred_gathering_done_{false};
  std::optional<ice_state> deferred_state_;
  bool gathering_done_{false};
  // Allocated by this.
  worker_timer deferred_timer_;
};

}  // namespace wrtc::media
