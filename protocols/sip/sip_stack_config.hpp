// Settings of the SIP stack: where it listens, where it sends, how it logs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace wrtc::sip {

/// Receives the stack's own log lines; `level` is "debug", "info", "warning" or "error".
/// Called on the SIP thread; must not block. Lines never contain passwords.
using sip_log_hook = std::function<void(std::string_view level, std::string_view message)>;

/// How the SIP stack binds and where it sends requests.
struct sip_stack_config {
  /// Local address to listen on (UDP and TCP), e.g. "127.0.0.1"; "0.0.0.0" or empty means every
  /// local IPv4 address (sofia binds each interface address separately).
  std::string bind_address;
  /// Listening port for both transports; 0 picks a free one (sip_stack::port() tells which).
  uint16_t port = 5070;
  /// Outbound proxy (gateway.voice-sip-proxy): "host:port" or "host:port;transport=tcp", an
  /// optional "sip:" prefix is accepted. Every outgoing request is sent there. Empty: requests are
  /// routed by their Request-URI (RFC 3263), which only tests should rely on.
  std::string proxy;
  /// User-Agent header value, e.g. "wrtc/0.1.0".
  std::string user_agent;
  /// Expires asked for in REGISTER; nua refreshes before what the registrar grants runs out.
  std::chrono::seconds register_expires{300};
  /// Host written in our Contact headers. Empty: bind_address, or when that is a wildcard the
  /// address sofia picked as primary (the first non-loopback interface address).
  std::string contact_host;
  /// Optional sink for the stack's log lines.
  sip_log_hook log;

  // -- calls --
  /// An outgoing INVITE with no final answer after this is CANCELled (timer C); the call ends
  /// with 408, reason "timeout".
  std::chrono::milliseconds invite_timeout{120000};
  /// An incoming INVITE the application has not answered finally after this is answered 480 by
  /// the stack, which reports `ended` with reason "timeout". A re-INVITE left unanswered as long
  /// is answered 488 (the call goes on).
  std::chrono::milliseconds answer_timeout{60000};
  /// SIP timer T1 (RFC 3261): retransmissions start at T1, timers B and F are 64*T1 (32 s).
  /// Only tests should change it.
  std::chrono::milliseconds sip_t1{500};
};

}  // namespace wrtc::sip
