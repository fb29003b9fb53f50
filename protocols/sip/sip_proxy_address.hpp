// The outbound proxy setting (gateway.voice-sip-proxy), checked and turned into a SIP URI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wrtc::sip {

/// Where every outgoing request goes.
struct sip_proxy_address {
  /// Host name, IPv4 address, or IPv6 address without brackets.
  std::string host;
  uint16_t port = 5060;
  /// Whether ";transport=tcp" was given.
  bool tcp = false;

  /// "sip:host:port" plus ";transport=tcp" when tcp; IPv6 hosts in brackets.
  std::string uri() const;
};

/// Parses "host[:port][;transport=udp|tcp]", with an optional "sip:" prefix and an ignored ";lr".
/// Returns false and fills `error` on anything else (empty host, bad port, other parameters,
/// characters that do not belong in a host name).
bool parse_proxy_address(std::string_view text, sip_proxy_address& out, std::string& error);

/// Writes `host` as it appears in a SIP URI: IPv6 addresses get brackets.
std::string uri_host(std::string_view host);

}  // namespace wrtc::sip
