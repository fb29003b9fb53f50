// Tests of SDP parsing, writing, interpretation and the offers and answers the gateway builds.
#define CAF_SUITE protocols.sdp

#include <cstdint>
#include <string>
#include <string_view>

#include "caf/test/unit_test.hpp"
#include "protocols/sdp/dtls_setup.hpp"
#include "protocols/sdp/ice_candidate.hpp"
#include "protocols/sdp/session_description.hpp"
#include "protocols/sdp/sip_media.hpp"
#include "protocols/sdp/sip_offer_answer.hpp"
#include "protocols/sdp/webrtc_media.hpp"
#include "protocols/sdp/webrtc_offer_answer.hpp"

using namespace wrtc::sdp;

namespace {

// -- sample descriptions (written with LF, sent with CRLF) -------------------------

// Chromium's offer for getUserMedia({audio, video}): BUNDLE, extmaps, ssrc-group, host
// candidates hidden behind mDNS, IPv6, TCP, srflx and relay candidates.
constexpr std::string_view chromium_offer_lf = R"(v=0
o=- 4215775240449105457 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1
a=extmap-allow-mixed
a=msid-semantic: WMS 5d0a8f0c-9e5b-4f4d-8a1e-2f7c3c2b9b61
m=audio 56143 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
c=IN IP4 203.0.113.77
a=rtcp:9 IN IP4 0.0.0.0
a=candidate:2999745851 1 udp 2122260223 192.168.1.34 56143 typ host generation 0 network-id 1 network-cost 10
a=candidate:1425481938 1 udp 2122194687 7a4b3c2d-1e0f-4a5b-9c8d-7e6f5a4b3c2d.local 61722 typ host generation 0 network-id 2
a=candidate:3999745852 1 udp 2122129151 2001:db8:85a3::8a2e:370:7334 51876 typ host generation 0 network-id 3 network-cost 10
a=candidate:4233069003 1 tcp 1518280447 192.168.1.34 9 typ host tcptype active generation 0 network-id 1 network-cost 10
a=candidate:2825484739 1 tcp 1518214911 7a4b3c2d-1e0f-4a5b-9c8d-7e6f5a4b3c2d.local 9 typ host tcptype active generation 0 network-id 2
a=candidate:842163049 1 udp 1686052607 203.0.113.77 56143 typ srflx raddr 192.168.1.34 rport 56143 generation 0 network-id 1 network-cost 10
a=candidate:1780341372 1 udp 41885439 198.51.100.20 60410 typ relay raddr 203.0.113.77 rport 56143 generation 0 network-id 1 network-cost 10
a=ice-ufrag:EsAw
a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y
a=ice-options:trickle
a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F
a=setup:actpass
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendrecv
a=msid:5d0a8f0c-9e5b-4f4d-8a1e-2f7c3c2b9b61 0e6f3a9c-7b1d-4c2e-8f5a-3d9b1c7e2a40
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:63 red/48000/2
a=fmtp:63 111/111
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:13 CN/8000
a=rtpmap:110 telephone-event/48000
a=rtpmap:126 telephone-event/8000
a=ssrc:1943264917 cname:hT3kqy5Jv2aXbQ1c
a=ssrc:1943264917 msid:5d0a8f0c-9e5b-4f4d-8a1e-2f7c3c2b9b61 0e6f3a9c-7b1d-4c2e-8f5a-3d9b1c7e2a40
m=video 56143 UDP/TLS/RTP/SAVPF 96 97 102 103 45 46
c=IN IP4 203.0.113.77
a=rtcp:9 IN IP4 0.0.0.0
a=candidate:2999745851 1 udp 2122260223 192.168.1.34 56143 typ host generation 0 network-id 1 network-cost 10
a=candidate:842163049 1 udp 1686052607 203.0.113.77 56143 typ srflx raddr 192.168.1.34 rport 56143 generation 0 network-id 1 network-cost 10
a=ice-ufrag:EsAw
a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y
a=ice-options:trickle
a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F
a=setup:actpass
a=mid:1
a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:13 urn:3gpp:video-orientation
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type
a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing
a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
a=sendrecv
a=msid:5d0a8f0c-9e5b-4f4d-8a1e-2f7c3c2b9b61 9a1e5c3b-2d4f-4e6a-8b7c-1f0e9d8c7b6a
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=rtpmap:102 H264/90000
a=rtcp-fb:102 goog-remb
a=rtcp-fb:102 transport-cc
a=rtcp-fb:102 ccm fir
a=rtcp-fb:102 nack
a=rtcp-fb:102 nack pli
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
a=rtpmap:103 rtx/90000
a=fmtp:103 apt=102
a=rtpmap:45 AV1/90000
a=rtcp-fb:45 goog-remb
a=rtcp-fb:45 transport-cc
a=fmtp:45 level-idx=5;profile=0;tier=0
a=rtpmap:46 rtx/90000
a=fmtp:46 apt=45
a=ssrc-group:FID 3531474592 2890156611
a=ssrc:3531474592 cname:hT3kqy5Jv2aXbQ1c
a=ssrc:3531474592 msid:5d0a8f0c-9e5b-4f4d-8a1e-2f7c3c2b9b61 9a1e5c3b-2d4f-4e6a-8b7c-1f0e9d8c7b6a
a=ssrc:2890156611 cname:hT3kqy5Jv2aXbQ1c
a=ssrc:2890156611 msid:5d0a8f0c-9e5b-4f4d-8a1e-2f7c3c2b9b61 9a1e5c3b-2d4f-4e6a-8b7c-1f0e9d8c7b6a
)";

// Asterisk's offer on an outbound INVITE (PCMA preferred), with a video stream it cannot use.
constexpr std::string_view asterisk_offer_lf = R"(v=0
o=- 1737452 1737452 IN IP4 10.0.0.5
s=Asterisk
c=IN IP4 10.0.0.5
t=0 0
m=audio 14582 RTP/AVP 8 0 3 9 101
a=rtpmap:8 PCMA/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:3 GSM/8000
a=rtpmap:9 G722/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:20
a=maxptime:150
a=sendrecv
m=video 14584 RTP/AVP 99
a=rtpmap:99 H264/90000
a=fmtp:99 packetization-mode=1
a=sendrecv
)";

// Firefox's offer: fingerprint and ice-options at session level, IPv6, end-of-candidates,
// telephone-event only at 8000.
constexpr std::string_view firefox_offer_lf = R"(v=0
o=mozilla...THIS_IS_SDPARTA-99.0 5318274429712745210 0 IN IP4 0.0.0.0
s=-
t=0 0
a=fingerprint:sha-256 5A:1F:33:C4:0E:6B:82:9D:11:AF:7E:20:94:DB:3C:58:E2:07:61:B9:4D:CA:10:8F:3E:72:55:A6:09:BE:C1:44
a=group:BUNDLE 0
a=ice-options:trickle
a=msid-semantic:WMS *
m=audio 50217 UDP/TLS/RTP/SAVPF 109 9 0 8 101
c=IN IP6 2001:db8::42
a=candidate:0 1 UDP 2122252543 2001:db8::42 50217 typ host
a=candidate:1 1 TCP 2105524479 2001:db8::42 9 typ host tcptype active
a=candidate:2 1 UDP 1686052863 198.51.100.9 50217 typ srflx raddr 0.0.0.0 rport 0
a=sendrecv
a=end-of-candidates
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level
a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1
a=fmtp:101 0-15
a=ice-pwd:4c1a9e7f3b2d8c6a0e5f1b3d7c9a2e4f
a=ice-ufrag:8f3e1c2a
a=mid:0
a=msid:{0b5c2a6e-3f1d-4e8a-9c7b-2d6f8a1e3c5b} {7e2a9c4f-1b3d-4a6e-8f0c-5d9b2e7a1c3f}
a=rtcp-mux
a=rtpmap:109 opus/48000/2
a=rtpmap:9 G722/8000/1
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=setup:actpass
a=ssrc:2655508255 cname:{a3c1e5f7-9b2d-4f6a-8c0e-1d3b5f7a9c2e}
)";

// SIPp's uac scenario: PCMU only, no telephone-event, no direction.
constexpr std::string_view sipp_offer_lf = R"(v=0
o=user1 53655765 2353687637 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 6000 RTP/AVP 0
a=rtpmap:0 PCMU/8000
)";

constexpr std::string_view local_fingerprint =
    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
    "89";

std::string crlf(std::string_view lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') {
      out += '\r';
    }
    out += c;
  }
  return out;
}

std::string chromium_offer() {
  return crlf(chromium_offer_lf);
}

std::string asterisk_offer() {
  return crlf(asterisk_offer_lf);
}

// `text` without the lines that start with `prefix`.
std::string without(const std::string& text, std::string_view prefix) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    end = end == std::string::npos ? text.size() : end + 1;
    std::string_view line(text.data() + pos, end - pos);
    if (!line.starts_with(prefix)) {
      out += line;
    }
    pos = end;
  }
  return out;
}

// `text` with every `from` replaced by `to`.
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

session_description parsed(const std::string& text) {
  std::string error;
  auto sdp = parse(text, error);
  if (!sdp) {
    CAF_FAIL("parse failed: " << error);
  }
  return std::move(*sdp);
}

// Parses and reads a browser SDP; returns the error code, or nullopt when it was accepted.
std::optional<sdp_errc> webrtc_error(const std::string& text) {
  auto sdp = parsed(text);
  sdp_error error;
  if (read_webrtc_audio(sdp, error)) {
    return std::nullopt;
  }
  return error.code;
}

std::optional<sdp_errc> sip_error(const std::string& text) {
  auto sdp = parsed(text);
  sdp_error error;
  if (read_sip_audio(sdp, error)) {
    return std::nullopt;
  }
  return error.code;
}

std::string parse_error(std::string_view text) {
  std::string error;
  auto sdp = parse(text, error);
  return sdp ? std::string("accepted") : error;
}

webrtc_local_media local_webrtc() {
  webrtc_local_media local;
  local.session_id = 8154209011234567890ULL;
  local.session_version = 1;
  local.ice_ufrag = "Gw7q";
  local.ice_pwd = "x8Hc0pQ2sLmN4vRt6yZa9bWe";
  local.candidates = {
      "candidate:1 1 UDP 2130706431 10.1.2.3 40000 typ host",
      "a=candidate:2 1 UDP 1694498815 198.51.100.7 40000 typ srflx raddr 10.1.2.3 rport 40000",
      "candidate:3 1 TCP 1015022079 10.1.2.3 9 typ host tcptype active",
  };
  local.local_fingerprint = fingerprint{"sha-256", std::string(local_fingerprint)};
  local.ssrc = 305419896;
  local.cname = "wrtc-gw-1";
  return local;
}

sip_local_media local_sip() {
  sip_local_media local;
  local.session_id = 42;
  local.session_version = 7;
  local.address = "10.9.8.7";
  local.port = 40000;
  return local;
}

}  // namespace

// -- parsing real descriptions ------------------------------------------------------

CAF_TEST(a chromium offer parses into its sessions lines and media sections) {
  auto sdp = parsed(chromium_offer());
  CAF_CHECK_EQUAL(sdp.origin.session_id, 4215775240449105457ULL);
  CAF_CHECK_EQUAL(sdp.origin.session_version, 2u);
  CAF_REQUIRE_EQUAL(sdp.attributes.groups.size(), 1u);
  CAF_CHECK_EQUAL(sdp.attributes.groups[0].semantics, "BUNDLE");
  CAF_CHECK(sdp.attributes.groups[0].mids == (std::vector<std::string>{"0", "1"}));
  CAF_REQUIRE_EQUAL(sdp.attributes.others.size(), 2u);
  CAF_CHECK_EQUAL(sdp.attributes.others[0].name, "extmap-allow-mixed");
  CAF_CHECK(!sdp.attributes.others[0].value);
  CAF_CHECK_EQUAL(sdp.attributes.others[1].name, "msid-semantic");
  CAF_REQUIRE_EQUAL(sdp.media.size(), 2u);

  const auto& audio = sdp.media[0];
  CAF_CHECK_EQUAL(audio.media, "audio");
  CAF_CHECK_EQUAL(audio.port, 56143u);
  CAF_CHECK_EQUAL(audio.proto, "UDP/TLS/RTP/SAVPF");
  CAF_CHECK_EQUAL(audio.formats.size(), 8u);
  CAF_CHECK_EQUAL(audio.attributes.extmaps.size(), 4u);
  CAF_CHECK_EQUAL(audio.attributes.rtpmaps.size(), 8u);
  CAF_CHECK_EQUAL(audio.attributes.ssrcs.size(), 2u);
  CAF_REQUIRE(audio.attributes.rtcp.has_value());
  CAF_CHECK_EQUAL(audio.attributes.rtcp->port, 9u);
  CAF_CHECK(audio.attributes.setup == setup_role::actpass);
  CAF_CHECK(audio.attributes.direction == media_direction::sendrecv);
  CAF_CHECK(audio.attributes.rtcp_mux);
  CAF_CHECK(audio.attributes.rtcp_rsize);
  CAF_REQUIRE_EQUAL(audio.attributes.fingerprints.size(), 1u);
  CAF_CHECK_EQUAL(audio.attributes.fingerprints[0].algorithm, "sha-256");
  CAF_REQUIRE_EQUAL(audio.attributes.others.size(), 1u);
  CAF_CHECK_EQUAL(audio.attributes.others[0].name, "rtcp-fb");
  CAF_CHECK_EQUAL(*audio.attributes.others[0].value, "111 transport-cc");

  const auto& c = audio.attributes.candidates;
  CAF_REQUIRE_EQUAL(c.size(), 7u);
  CAF_CHECK_EQUAL(c[0].foundation, "2999745851");
  CAF_CHECK_EQUAL(c[0].priority, 2122260223u);
  CAF_CHECK(c[0].generation == 0u);
  CAF_REQUIRE_EQUAL(c[0].extensions.size(), 2u);
  CAF_CHECK_EQUAL(c[0].extensions[0].first, "network-id");
  CAF_CHECK_EQUAL(c[0].extensions[1].second, "10");
  CAF_CHECK(c[1].address.ends_with(".local"));
  CAF_CHECK_EQUAL(c[2].address, "2001:db8:85a3::8a2e:370:7334");
  CAF_CHECK_EQUAL(c[3].transport, "tcp");
  CAF_CHECK_EQUAL(c[3].tcp_type, "active");
  CAF_CHECK_EQUAL(c[3].port, 9u);
  CAF_CHECK_EQUAL(c[5].type, "srflx");
  CAF_CHECK_EQUAL(c[5].related_address, "192.168.1.34");
  CAF_CHECK(c[5].related_port == uint16_t{56143});
  CAF_CHECK_EQUAL(c[6].type, "relay");

  const auto& video = sdp.media[1];
  CAF_CHECK_EQUAL(video.media, "video");
  CAF_CHECK_EQUAL(video.attributes.extmaps.size(), 11u);
  CAF_REQUIRE_EQUAL(video.attributes.ssrc_groups.size(), 1u);
  CAF_CHECK_EQUAL(video.attributes.ssrc_groups[0], "FID 3531474592 2890156611");
  CAF_CHECK_EQUAL(video.attributes.ssrcs.size(), 4u);
  // The rtcp-fb lines are kept, in the order they came.
  CAF_REQUIRE_EQUAL(video.attributes.others.size(), 12u);
  CAF_CHECK_EQUAL(*video.attributes.others[0].value, "96 goog-remb");
  CAF_CHECK_EQUAL(*video.attributes.others[4].value, "96 nack pli");
  CAF_CHECK_EQUAL(*video.attributes.others[11].value, "45 transport-cc");
  CAF_REQUIRE(video.attributes.find_fmtp(102) != nullptr);
  CAF_CHECK_EQUAL(video.attributes.find_fmtp(102)->parameters,
                  "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f");
}

CAF_TEST(a chromium offer gives the audio parameters the media layer needs) {
  auto sdp = parsed(chromium_offer());
  sdp_error error;
  auto audio = read_webrtc_audio(sdp, error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK_EQUAL(audio->mline_index, 0u);
  CAF_CHECK_EQUAL(audio->mid, "0");
  CAF_CHECK(audio->bundle == (std::vector<std::string>{"0", "1"}));
  CAF_CHECK_EQUAL(audio->ice_ufrag, "EsAw");
  CAF_CHECK_EQUAL(audio->ice_pwd, "bP+XJMM09aR8AiX1jdukzR6Y");
  CAF_CHECK(audio->ice_options == std::vector<std::string>{"trickle"});
  CAF_CHECK(!audio->ice_lite);
  CAF_CHECK_EQUAL(audio->candidates.size(), 7u);
  CAF_CHECK(!audio->end_of_candidates);
  CAF_CHECK_EQUAL(audio->dtls_fingerprint.algorithm, "sha-256");
  CAF_CHECK(audio->dtls_fingerprint.value.starts_with("D2:FA:0E"));
  CAF_CHECK(audio->setup == setup_role::actpass);
  CAF_CHECK_EQUAL(static_cast<int>(audio->opus_payload_type), 111);
  CAF_CHECK_EQUAL(audio->opus_fmtp, "minptime=10;useinbandfec=1");
  CAF_REQUIRE(audio->telephone_event_payload_type.has_value());
  CAF_CHECK_EQUAL(static_cast<int>(*audio->telephone_event_payload_type), 110);
  CAF_CHECK_EQUAL(audio->telephone_event_clock_rate, 48000u);
  CAF_CHECK(audio->direction == media_direction::sendrecv);
}

CAF_TEST(a firefox offer takes its fingerprint from the session level) {
  auto sdp = parsed(crlf(firefox_offer_lf));
  sdp_error error;
  auto audio = read_webrtc_audio(sdp, error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK_EQUAL(audio->ice_ufrag, "8f3e1c2a");
  CAF_CHECK(audio->ice_options == std::vector<std::string>{"trickle"});
  CAF_CHECK(audio->dtls_fingerprint.value.starts_with("5A:1F:33"));
  CAF_CHECK_EQUAL(static_cast<int>(audio->opus_payload_type), 109);
  CAF_CHECK_EQUAL(audio->opus_fmtp, "maxplaybackrate=48000;stereo=1;useinbandfec=1");
  CAF_CHECK(audio->telephone_event_payload_type == uint8_t{101});
  CAF_CHECK_EQUAL(audio->telephone_event_clock_rate, 8000u);
  CAF_REQUIRE_EQUAL(audio->candidates.size(), 3u);
  CAF_CHECK_EQUAL(audio->candidates[1].transport, "TCP");
  CAF_CHECK(audio->end_of_candidates);
  CAF_CHECK(parsed(sdp.to_string()) == sdp);
}

CAF_TEST(an asterisk offer gives address port laws and telephone event) {
  auto sdp = parsed(asterisk_offer());
  CAF_CHECK_EQUAL(sdp.session_name, "Asterisk");
  sdp_error error;
  auto audio = read_sip_audio(sdp, error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK_EQUAL(audio->address, "10.0.0.5");
  CAF_CHECK(!audio->ipv6);
  CAF_CHECK(!audio->hold);
  CAF_CHECK_EQUAL(audio->port, 14582u);
  CAF_REQUIRE_EQUAL(audio->g711_formats.size(), 2u);
  CAF_CHECK(audio->g711_formats[0] == (g711_format{g711::pcma, 8}));
  CAF_CHECK(audio->g711_formats[1] == (g711_format{g711::pcmu, 0}));
  CAF_CHECK(audio->telephone_event_payload_type == uint8_t{101});
  CAF_CHECK(audio->ptime == 20u);
  CAF_CHECK(audio->direction == media_direction::sendrecv);
}

CAF_TEST(a sipp offer with pcmu only and no direction reads as sendrecv) {
  auto sdp = parsed(crlf(sipp_offer_lf));
  sdp_error error;
  auto audio = read_sip_audio(sdp, error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK_EQUAL(audio->address, "127.0.0.1");
  CAF_CHECK_EQUAL(audio->port, 6000u);
  CAF_REQUIRE_EQUAL(audio->g711_formats.size(), 1u);
  CAF_CHECK(audio->g711_formats[0].law == g711::pcmu);
  CAF_CHECK(!audio->telephone_event_payload_type);
  CAF_CHECK(!audio->ptime);
  CAF_CHECK(audio->direction == media_direction::sendrecv);
}

CAF_TEST(lf and crlf line ends parse to the same description) {
  CAF_CHECK(parsed(std::string(chromium_offer_lf)) == parsed(chromium_offer()));
  CAF_CHECK(parsed(std::string(asterisk_offer_lf)) == parsed(asterisk_offer()));
}

// -- round trips -------------------------------------------------------------------

CAF_TEST(parse serialize parse gives an equal description) {
  for (const auto& text : {chromium_offer(), asterisk_offer(), crlf(sipp_offer_lf)}) {
    auto first = parsed(text);
    auto written = first.to_string();
    auto second = parsed(written);
    CAF_CHECK(first == second);
    CAF_CHECK_EQUAL(second.to_string(), written);
    CAF_CHECK(written.find('\n') == written.find("\r\n") + 1);
    CAF_CHECK(written.find("\n\n") == std::string::npos);
  }
}

CAF_TEST(serialization keeps a chromium offer line for line apart from ordering) {
  auto written = parsed(chromium_offer()).to_string();
  auto count = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
  CAF_CHECK_EQUAL(count(written), count(chromium_offer()));
  CAF_CHECK(written.find("a=msid-semantic: WMS 5d0a8f0c") != std::string::npos);
  CAF_CHECK(written.find("a=fmtp:111 minptime=10;useinbandfec=1\r\n") != std::string::npos);
}

CAF_TEST(a session with every optional line round trips) {
  auto text = crlf(R"(v=0
o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5
s=SDP Seminar
i=A Seminar on the session description protocol
u=http://www.example.com/seminars/sdp.pdf
e=j.doe@example.com (Jane Doe)
p=+1 617 555-6011
c=IN IP4 224.2.17.12/127
b=AS:256
t=2873397496 2873404696
r=604800 3600 0 90000
z=2882844526 -1h 2898848070 0
k=prompt
a=recvonly
m=audio 49170/2 RTP/AVP 0
i=voice
b=TIAS:64000
k=prompt
a=rtcp:53020 IN IP6 2001:db8::1
m=application 9 UDP/DTLS/SCTP webrtc-datachannel
a=sctp-port:5000
a=fmtp:webrtc-datachannel max-message-size=262144
)");
  auto sdp = parsed(text);
  CAF_CHECK_EQUAL(sdp.emails.size(), 1u);
  CAF_REQUIRE_EQUAL(sdp.timings.size(), 1u);
  CAF_CHECK_EQUAL(sdp.timings[0].repeats.size(), 1u);
  CAF_CHECK(sdp.media[0].port_count == uint16_t{2});
  CAF_CHECK(sdp.media[0].attributes.rtcp->connection->addrtype == "IP6");
  // A non-RTP m-line keeps its fmtp as an uninterpreted attribute.
  CAF_CHECK(sdp.media[1].attributes.fmtps.empty());
  CAF_CHECK(sdp.media[1].attributes.has_other("fmtp"));
  CAF_CHECK(parsed(sdp.to_string()) == sdp);
  CAF_CHECK_EQUAL(sdp.to_string(), text);
}

// -- browser SDP errors ----------------------------------------------------------------

CAF_TEST(a browser sdp without audio is refused) {
  auto text = replaced(chromium_offer(), "m=audio 56143", "m=text 56143");
  CAF_CHECK(webrtc_error(text) == sdp_errc::no_audio);
  CAF_CHECK_EQUAL(to_string(sdp_errc::no_audio), "no audio m-line");
}

CAF_TEST(a browser sdp whose audio is rejected is refused) {
  auto text = replaced(chromium_offer(), "m=audio 56143", "m=audio 0");
  CAF_CHECK(webrtc_error(text) == sdp_errc::audio_rejected);
  // ...unless the m-line is bundle-only (JSEP): then port 0 still carries media.
  text = replaced(text, "a=mid:0\r\n", "a=mid:0\r\na=bundle-only\r\n");
  CAF_CHECK(webrtc_error(text) == std::nullopt);
}

CAF_TEST(a browser sdp that is not savpf is refused) {
  auto text =
      replaced(chromium_offer(), "m=audio 56143 UDP/TLS/RTP/SAVPF", "m=audio 56143 RTP/AVP");
  CAF_CHECK(webrtc_error(text) == sdp_errc::not_savpf);
  CAF_CHECK_EQUAL(to_string(sdp_errc::not_savpf), "not UDP/TLS/RTP/SAVPF");
}

CAF_TEST(a browser sdp without ice credentials is refused) {
  CAF_CHECK(webrtc_error(without(chromium_offer(), "a=ice-ufrag")) == sdp_errc::no_ice_credentials);
  CAF_CHECK(webrtc_error(without(chromium_offer(), "a=ice-pwd")) == sdp_errc::no_ice_credentials);
  CAF_CHECK_EQUAL(to_string(sdp_errc::no_ice_credentials), "no ICE credentials");
  auto short_pwd =
      replaced(chromium_offer(), "a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y", "a=ice-pwd:short");
  CAF_CHECK(webrtc_error(short_pwd) == sdp_errc::bad_ice_credentials);
}

CAF_TEST(ice credentials at session level are used when the m line has none) {
  auto text = without(without(chromium_offer(), "a=ice-ufrag"), "a=ice-pwd");
  text = replaced(text, "t=0 0\r\n",
                  "t=0 0\r\na=ice-ufrag:SeSs\r\na=ice-pwd:sessionlevelpassword0123\r\n");
  sdp_error error;
  auto audio = read_webrtc_audio(parsed(text), error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK_EQUAL(audio->ice_ufrag, "SeSs");
  CAF_CHECK_EQUAL(audio->ice_pwd, "sessionlevelpassword0123");
}

CAF_TEST(a bundled audio m line takes its transport from the bundle tagged m line) {
  auto sdp = parsed(chromium_offer());
  sdp.attributes.groups[0].mids = {"1", "0"};
  auto& a = sdp.media[0].attributes;
  a.ice_ufrag.reset();
  a.ice_pwd.reset();
  a.candidates.clear();
  a.fingerprints.clear();
  a.setup.reset();
  a.rtcp_mux = false;
  sdp.media[1].attributes.ice_ufrag = "VidT";
  sdp_error error;
  auto audio = read_webrtc_audio(sdp, error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK_EQUAL(audio->ice_ufrag, "VidT");
  CAF_CHECK_EQUAL(audio->candidates.size(), 2u);
  CAF_CHECK(audio->setup == setup_role::actpass);
  CAF_CHECK_EQUAL(audio->dtls_fingerprint.algorithm, "sha-256");
}

CAF_TEST(a browser sdp without a usable fingerprint is refused) {
  CAF_CHECK(webrtc_error(without(chromium_offer(), "a=fingerprint")) == sdp_errc::no_fingerprint);
  CAF_CHECK_EQUAL(to_string(sdp_errc::no_fingerprint), "no DTLS fingerprint");
  // An unknown hash function, and sha-256 of the wrong length, are no better than none.
  auto md5 = replaced(chromium_offer(), "a=fingerprint:sha-256", "a=fingerprint:md5");
  CAF_CHECK(webrtc_error(md5) == sdp_errc::no_fingerprint);
  auto short_value = replaced(chromium_offer(), ":E6:0F\r\n", "\r\n");
  CAF_CHECK(webrtc_error(short_value) == sdp_errc::no_fingerprint);
  // Upper-case names are accepted and reported lower-case.
  auto upper = replaced(chromium_offer(), "a=fingerprint:sha-256", "a=fingerprint:SHA-256");
  sdp_error error;
  auto audio = read_webrtc_audio(parsed(upper), error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK_EQUAL(audio->dtls_fingerprint.algorithm, "sha-256");
}

CAF_TEST(a browser sdp without rtcp mux is refused) {
  CAF_CHECK(webrtc_error(without(chromium_offer(), "a=rtcp-mux")) == sdp_errc::no_rtcp_mux);
}

CAF_TEST(a browser sdp without opus is refused) {
  CAF_CHECK(webrtc_error(without(chromium_offer(), "a=rtpmap:111")) == sdp_errc::no_opus);
  CAF_CHECK(webrtc_error(replaced(chromium_offer(), "opus/48000/2", "opus/48000/1")) ==
            sdp_errc::no_opus);
  CAF_CHECK_EQUAL(to_string(sdp_errc::no_opus), "no Opus");
}

CAF_TEST(telephone event at 8000 is used when it is the only one) {
  sdp_error error;
  auto audio = read_webrtc_audio(parsed(without(chromium_offer(), "a=rtpmap:110")), error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK(audio->telephone_event_payload_type == uint8_t{126});
  CAF_CHECK_EQUAL(audio->telephone_event_clock_rate, 8000u);
  audio = read_webrtc_audio(
      parsed(without(without(chromium_offer(), "a=rtpmap:110"), "a=rtpmap:126")), error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK(!audio->telephone_event_payload_type);
  CAF_CHECK_EQUAL(audio->telephone_event_clock_rate, 0u);
}

// -- SIP SDP errors and variants --------------------------------------------------

CAF_TEST(a sip sdp without usable audio is refused) {
  CAF_CHECK(sip_error(replaced(asterisk_offer(), "m=audio", "m=message")) == sdp_errc::no_audio);
  CAF_CHECK(sip_error(replaced(asterisk_offer(), "m=audio 14582", "m=audio 0")) ==
            sdp_errc::audio_rejected);
  CAF_CHECK(sip_error(replaced(asterisk_offer(), "RTP/AVP 8 0", "RTP/SAVP 8 0")) ==
            sdp_errc::not_rtp_avp);
}

CAF_TEST(a sip sdp needs an ip literal connection address) {
  CAF_CHECK(sip_error(without(asterisk_offer(), "c=")) == sdp_errc::no_connection_address);
  CAF_CHECK(sip_error(replaced(asterisk_offer(), "c=IN IP4 10.0.0.5",
                               "c=IN IP4 pbx.example.com")) == sdp_errc::bad_connection_address);
  CAF_CHECK(sip_error(replaced(asterisk_offer(), "c=IN IP4 10.0.0.5", "c=IN IP6 10.0.0.5")) ==
            sdp_errc::bad_connection_address);
}

CAF_TEST(a media level connection overrides the session one and may be ipv6) {
  auto text = replaced(asterisk_offer(), "m=audio 14582 RTP/AVP 8 0 3 9 101\r\n",
                       "m=audio 14582 RTP/AVP 8 0 3 9 101\r\nc=IN IP6 2001:db8::5\r\n");
  sdp_error error;
  auto audio = read_sip_audio(parsed(text), error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK_EQUAL(audio->address, "2001:db8::5");
  CAF_CHECK(audio->ipv6);
}

CAF_TEST(a sip sdp at 0 0 0 0 is on hold) {
  auto text = replaced(asterisk_offer(), "c=IN IP4 10.0.0.5", "c=IN IP4 0.0.0.0");
  sdp_error error;
  auto audio = read_sip_audio(parsed(text), error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK(audio->hold);
  CAF_CHECK(audio->direction == media_direction::sendrecv);
  CAF_CHECK(audio->effective_direction() == media_direction::sendonly);
}

CAF_TEST(a sip sdp without g711 is refused) {
  auto text = crlf(R"(v=0
o=- 1 1 IN IP4 10.0.0.5
s=-
c=IN IP4 10.0.0.5
t=0 0
m=audio 14582 RTP/AVP 18 101
a=rtpmap:18 G729/8000
a=rtpmap:101 telephone-event/8000
)");
  CAF_CHECK(sip_error(text) == sdp_errc::no_g711);
  CAF_CHECK_EQUAL(to_string(sdp_errc::no_g711), "no PCMU or PCMA");
}

CAF_TEST(g711 on a dynamic payload type is found by its rtpmap) {
  auto text = crlf(R"(v=0
o=- 1 1 IN IP4 10.0.0.5
s=-
c=IN IP4 10.0.0.5
t=0 0
m=audio 14582 RTP/AVP 96 0
a=rtpmap:96 pcma/8000
a=rtpmap:0 G729/8000
a=ptime:30
a=recvonly
)");
  sdp_error error;
  auto audio = read_sip_audio(parsed(text), error);
  CAF_REQUIRE(audio.has_value());
  // PT 0 is remapped to G.729 here, so only PCMA on 96 counts.
  CAF_REQUIRE_EQUAL(audio->g711_formats.size(), 1u);
  CAF_CHECK(audio->g711_formats[0] == (g711_format{g711::pcma, 96}));
  CAF_CHECK(audio->ptime == 30u);
  CAF_CHECK(audio->direction == media_direction::recvonly);
}

// -- DTLS roles --------------------------------------------------------------------

CAF_TEST(dtls roles follow rfc 4145 and 5763) {
  CAF_CHECK(answer_role_allowed(setup_role::actpass, dtls_role::active));
  CAF_CHECK(answer_role_allowed(setup_role::actpass, dtls_role::passive));
  CAF_CHECK(!answer_role_allowed(setup_role::passive, dtls_role::passive));
  CAF_CHECK(answer_role_allowed(setup_role::passive, dtls_role::active));
  CAF_CHECK(!answer_role_allowed(setup_role::active, dtls_role::active));
  CAF_CHECK(!answer_role_allowed(setup_role::holdconn, dtls_role::active));
  CAF_CHECK(!answer_role_allowed(setup_role::holdconn, dtls_role::passive));
  // No a=setup in an offer means active.
  CAF_CHECK(!answer_role_allowed(std::nullopt, dtls_role::active));
  CAF_CHECK(choose_answer_role(setup_role::passive, dtls_role::passive) == dtls_role::active);
  CAF_CHECK(choose_answer_role(setup_role::holdconn, dtls_role::passive) == std::nullopt);
  CAF_CHECK(role_after_answer(setup_role::active) == dtls_role::passive);
  CAF_CHECK(role_after_answer(setup_role::passive) == dtls_role::active);
  CAF_CHECK(role_after_answer(std::nullopt) == dtls_role::active);
  CAF_CHECK(role_after_answer(setup_role::actpass) == std::nullopt);
}

// -- builders: WebRTC --------------------------------------------------------------

CAF_TEST(the webrtc offer reads back with the values it was built from) {
  sdp_error error;
  auto offer = build_webrtc_offer(local_webrtc(), error);
  CAF_REQUIRE(offer.has_value());
  auto text = offer->to_string();
  auto sdp = parsed(text);
  CAF_CHECK(sdp == *offer);
  auto audio = read_webrtc_audio(sdp, error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK_EQUAL(audio->mid, "0");
  CAF_CHECK(audio->bundle == std::vector<std::string>{"0"});
  CAF_CHECK_EQUAL(audio->ice_ufrag, "Gw7q");
  CAF_CHECK_EQUAL(audio->ice_pwd, "x8Hc0pQ2sLmN4vRt6yZa9bWe");
  CAF_CHECK(audio->ice_options.empty());
  CAF_CHECK_EQUAL(audio->candidates.size(), 3u);
  CAF_CHECK(audio->end_of_candidates);
  CAF_CHECK_EQUAL(audio->dtls_fingerprint.value, local_fingerprint);
  CAF_CHECK(audio->setup == setup_role::actpass);
  CAF_CHECK_EQUAL(static_cast<int>(audio->opus_payload_type), 111);
  CAF_CHECK_EQUAL(audio->opus_fmtp, "minptime=10;useinbandfec=1");
  CAF_CHECK(audio->telephone_event_payload_type == uint8_t{126});
  CAF_CHECK_EQUAL(audio->telephone_event_clock_rate, 48000u);
  CAF_CHECK(audio->direction == media_direction::sendrecv);
  CAF_CHECK_EQUAL(sdp.origin.session_id, 8154209011234567890ULL);
  // The first UDP candidate is the default address.
  CAF_CHECK_EQUAL(sdp.media[0].port, 40000u);
  CAF_CHECK_EQUAL(sdp.media[0].connection->address, "10.1.2.3");
  CAF_CHECK(text.find("m=audio 40000 UDP/TLS/RTP/SAVPF 111 126\r\n") != std::string::npos);
  CAF_CHECK(text.find("a=ssrc:305419896 cname:wrtc-gw-1\r\n") != std::string::npos);
  CAF_CHECK(text.find("a=ssrc:305419896 msid:wrtc wrtc-audio\r\n") != std::string::npos);
  CAF_CHECK(text.find("a=ice-options") == std::string::npos);
  CAF_CHECK(text.find("a=rtcp-mux\r\n") != std::string::npos);
}

CAF_TEST(a webrtc offer without candidates uses the discard address) {
  auto local = local_webrtc();
  local.candidates.clear();
  sdp_error error;
  auto offer = build_webrtc_offer(local, error);
  CAF_REQUIRE(offer.has_value());
  CAF_CHECK_EQUAL(offer->media[0].port, 9u);
  CAF_CHECK_EQUAL(offer->media[0].connection->address, "0.0.0.0");
}

CAF_TEST(the webrtc builders refuse bad inputs) {
  auto check_refused = [](const webrtc_local_media& local) {
    sdp_error error;
    auto offer = build_webrtc_offer(local, error);
    CAF_CHECK(!offer && error.code == sdp_errc::bad_input);
  };
  auto local = local_webrtc();
  local.candidates.push_back("candidate:1 1 udp 1 10.0.0.1 99999 typ host");
  check_refused(local);
  local = local_webrtc();
  local.ice_pwd = "tooshort";
  check_refused(local);
  local = local_webrtc();
  local.ice_ufrag = "bad ufrag";
  check_refused(local);
  local = local_webrtc();
  local.local_fingerprint.algorithm = "sha-1";
  check_refused(local);
  local = local_webrtc();
  local.local_fingerprint.value = "AB:CD";
  check_refused(local);
  local = local_webrtc();
  local.cname = "two words";
  check_refused(local);
  local = local_webrtc();
  local.stream_id = "";
  check_refused(local);
}

CAF_TEST(the webrtc answer mirrors the browser and rejects video) {
  auto offer = parsed(chromium_offer());
  sdp_error error;
  auto answer = build_webrtc_answer(offer, local_webrtc(), std::nullopt, error);
  CAF_REQUIRE(answer.has_value());
  CAF_CHECK(answer->role == dtls_role::active);
  auto sdp = parsed(answer->sdp.to_string());
  CAF_REQUIRE_EQUAL(sdp.media.size(), 2u);
  CAF_CHECK_EQUAL(sdp.media[1].media, "video");
  CAF_CHECK_EQUAL(sdp.media[1].port, 0u);
  CAF_CHECK(sdp.media[1].attributes.mid == std::string("1"));
  CAF_CHECK(sdp.media[1].formats == offer.media[1].formats);
  CAF_REQUIRE_EQUAL(sdp.attributes.groups.size(), 1u);
  CAF_CHECK(sdp.attributes.groups[0].mids == std::vector<std::string>{"0"});
  auto audio = read_webrtc_audio(sdp, error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK_EQUAL(audio->mid, "0");
  CAF_CHECK(audio->setup == setup_role::active);
  CAF_CHECK_EQUAL(static_cast<int>(audio->opus_payload_type), 111);
  CAF_CHECK(audio->telephone_event_payload_type == uint8_t{110});
  CAF_CHECK_EQUAL(audio->telephone_event_clock_rate, 48000u);
  CAF_CHECK_EQUAL(audio->candidates.size(), 3u);
  CAF_CHECK(audio->end_of_candidates);
  CAF_CHECK(sdp.media[0].formats == (std::vector<std::string>{"111", "110"}));
}

CAF_TEST(the webrtc answer takes the dtls role the offer allows) {
  auto offer = parsed(chromium_offer());
  sdp_error error;
  auto answer = build_webrtc_answer(offer, local_webrtc(), dtls_role::passive, error);
  CAF_REQUIRE(answer.has_value());
  CAF_CHECK(answer->role == dtls_role::passive);
  CAF_CHECK(answer->sdp.media[0].attributes.setup == setup_role::passive);

  auto passive_offer = parsed(replaced(chromium_offer(), "a=setup:actpass", "a=setup:passive"));
  answer = build_webrtc_answer(passive_offer, local_webrtc(), dtls_role::passive, error);
  CAF_CHECK(!answer);
  CAF_CHECK(error.code == sdp_errc::setup_conflict);
  answer = build_webrtc_answer(passive_offer, local_webrtc(), std::nullopt, error);
  CAF_REQUIRE(answer.has_value());
  CAF_CHECK(answer->role == dtls_role::active);

  auto active_offer = parsed(replaced(chromium_offer(), "a=setup:actpass", "a=setup:active"));
  answer = build_webrtc_answer(active_offer, local_webrtc(), std::nullopt, error);
  CAF_REQUIRE(answer.has_value());
  CAF_CHECK(answer->role == dtls_role::passive);
  CAF_CHECK(answer->sdp.media[0].attributes.setup == setup_role::passive);

  auto holdconn = parsed(replaced(chromium_offer(), "a=setup:actpass", "a=setup:holdconn"));
  answer = build_webrtc_answer(holdconn, local_webrtc(), std::nullopt, error);
  CAF_CHECK(!answer);
  CAF_CHECK(error.code == sdp_errc::setup_conflict);
}

CAF_TEST(the webrtc answer narrows the direction and refuses unusable offers) {
  auto sendonly = parsed(replaced(chromium_offer(), "a=sendrecv", "a=sendonly"));
  sdp_error error;
  auto answer = build_webrtc_answer(sendonly, local_webrtc(), std::nullopt, error);
  CAF_REQUIRE(answer.has_value());
  CAF_CHECK(answer->sdp.media[0].attributes.direction == media_direction::recvonly);

  auto no_opus = parsed(without(chromium_offer(), "a=rtpmap:111"));
  CAF_CHECK(!build_webrtc_answer(no_opus, local_webrtc(), std::nullopt, error));
  CAF_CHECK(error.code == sdp_errc::no_opus);
}

// -- builders: SIP -------------------------------------------------------------------

CAF_TEST(the sip offer reads back with the values it was built from) {
  sdp_error error;
  auto offer = build_sip_offer(local_sip(), error);
  CAF_REQUIRE(offer.has_value());
  auto text = offer->to_string();
  CAF_CHECK(text.find("c=IN IP4 10.9.8.7\r\n") != std::string::npos);
  CAF_CHECK(text.find("m=audio 40000 RTP/AVP 0 8 101\r\n") != std::string::npos);
  CAF_CHECK(text.find("a=rtpmap:0 PCMU/8000\r\n") != std::string::npos);
  CAF_CHECK(text.find("a=rtpmap:8 PCMA/8000\r\n") != std::string::npos);
  CAF_CHECK(text.find("a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n") !=
            std::string::npos);
  CAF_CHECK(text.find("a=ptime:20\r\n") != std::string::npos);
  CAF_CHECK(text.find("a=sendrecv\r\n") != std::string::npos);
  auto sdp = parsed(text);
  CAF_CHECK(sdp == *offer);
  auto audio = read_sip_audio(sdp, error);
  CAF_REQUIRE(audio.has_value());
  CAF_CHECK_EQUAL(audio->address, "10.9.8.7");
  CAF_CHECK_EQUAL(audio->port, 40000u);
  CAF_REQUIRE_EQUAL(audio->g711_formats.size(), 2u);
  CAF_CHECK(audio->g711_formats[0].law == g711::pcmu);
  CAF_CHECK(audio->g711_formats[1].law == g711::pcma);
  CAF_CHECK(audio->telephone_event_payload_type == uint8_t{101});
  CAF_CHECK(audio->ptime == 20u);
}

CAF_TEST(the sip offer uses ip6 for an ipv6 worker and refuses bad inputs) {
  auto local = local_sip();
  local.address = "2001:db8::7";
  sdp_error error;
  auto offer = build_sip_offer(local, error);
  CAF_REQUIRE(offer.has_value());
  CAF_CHECK(offer->to_string().find("c=IN IP6 2001:db8::7\r\n") != std::string::npos);
  local.address = "worker.local";
  CAF_CHECK(!build_sip_offer(local, error) && error.code == sdp_errc::bad_input);
  local = local_sip();
  local.port = 0;
  CAF_CHECK(!build_sip_offer(local, error) && error.code == sdp_errc::bad_input);
  local = local_sip();
  local.telephone_event_payload_type = 13;
  CAF_CHECK(!build_sip_offer(local, error) && error.code == sdp_errc::bad_input);
}

CAF_TEST(the sip answer picks the peers first g711 and its telephone event) {
  auto offer = parsed(asterisk_offer());
  sdp_error error;
  auto answer = build_sip_answer(offer, local_sip(), error);
  CAF_REQUIRE(answer.has_value());
  auto text = answer->to_string();
  CAF_CHECK(text.find("m=audio 40000 RTP/AVP 8 101\r\n") != std::string::npos);
  CAF_CHECK(text.find("m=video 0 RTP/AVP 99\r\n") != std::string::npos);
  auto sdp = parsed(text);
  auto audio = read_sip_audio(sdp, error);
  CAF_REQUIRE(audio.has_value());
  CAF_REQUIRE_EQUAL(audio->g711_formats.size(), 1u);
  CAF_CHECK(audio->g711_formats[0] == (g711_format{g711::pcma, 8}));
  CAF_CHECK(audio->telephone_event_payload_type == uint8_t{101});
  CAF_CHECK(audio->direction == media_direction::sendrecv);

  // Without telephone-event in the offer, none in the answer.
  answer = build_sip_answer(parsed(crlf(sipp_offer_lf)), local_sip(), error);
  CAF_REQUIRE(answer.has_value());
  CAF_CHECK(answer->to_string().find("m=audio 40000 RTP/AVP 0\r\n") != std::string::npos);
}

CAF_TEST(the sip answer refuses an offer without an acceptable g711) {
  auto g729 = parsed(replaced(asterisk_offer(), "RTP/AVP 8 0 3 9 101", "RTP/AVP 3 9 101"));
  sdp_error error;
  CAF_CHECK(!build_sip_answer(g729, local_sip(), error));
  CAF_CHECK(error.code == sdp_errc::no_g711);
  auto local = local_sip();
  local.laws = {g711::pcmu};
  auto pcma_only = parsed(replaced(asterisk_offer(), "RTP/AVP 8 0 3 9 101", "RTP/AVP 8 101"));
  CAF_CHECK(!build_sip_answer(pcma_only, local, error));
  CAF_CHECK(error.code == sdp_errc::no_g711);
}

CAF_TEST(the sip answer to a hold is recvonly) {
  auto hold = parsed(replaced(asterisk_offer(), "c=IN IP4 10.0.0.5", "c=IN IP4 0.0.0.0"));
  sdp_error error;
  auto answer = build_sip_answer(hold, local_sip(), error);
  CAF_REQUIRE(answer.has_value());
  CAF_CHECK(answer->media[0].attributes.direction == media_direction::recvonly);
  auto sendonly = parsed(replaced(asterisk_offer(), "a=sendrecv", "a=sendonly"));
  answer = build_sip_answer(sendonly, local_sip(), error);
  CAF_REQUIRE(answer.has_value());
  CAF_CHECK(answer->media[0].attributes.direction == media_direction::recvonly);
  auto inactive = parsed(replaced(asterisk_offer(), "a=sendrecv", "a=inactive"));
  answer = build_sip_answer(inactive, local_sip(), error);
  CAF_REQUIRE(answer.has_value());
  CAF_CHECK(answer->media[0].attributes.direction == media_direction::inactive);
}

// -- malformed input ---------------------------------------------------------------

CAF_TEST(structural errors are rejected with a reason) {
  CAF_CHECK_EQUAL(parse_error(""), "empty description");
  CAF_CHECK_EQUAL(parse_error("v=0\r\n"), "no o= line");
  CAF_CHECK_EQUAL(parse_error("v=1\r\n"), "line 1: first line is not v=0");
  CAF_CHECK_EQUAL(parse_error("o=- 1 1 IN IP4 1.2.3.4\r\n"), "line 1: first line is not v=0");
  CAF_CHECK_EQUAL(parse_error("v=0\r\ns=-\r\n"), "line 2: second line is not o=");
  CAF_CHECK_EQUAL(parse_error("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n"), "no m= line");
  CAF_CHECK_EQUAL(parse_error("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n"),
                  "no s= line");
  CAF_CHECK_EQUAL(parse_error("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 1 RTP/AVP 0\r\n"),
                  "no t= line");
  CAF_CHECK_EQUAL(parse_error(without(chromium_offer(), "a=")), "accepted");
}

CAF_TEST(malformed lines are rejected with their line number) {
  auto head = std::string("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n");
  auto audio = std::string("m=audio 4000 RTP/AVP 0\r\n");
  CAF_CHECK_EQUAL(parse_error(head + "m=audio\r\n"), "line 5: bad m= line");
  CAF_CHECK_EQUAL(parse_error(head + "m=audio 4000 RTP/AVP\r\n"), "line 5: bad m= line");
  CAF_CHECK_EQUAL(parse_error(head + "audio 4000\r\n"), "line 5: not <type>=<value>");
  CAF_CHECK_EQUAL(parse_error(head + "m audio 4000 RTP/AVP 0\r\n"), "line 5: not <type>=<value>");
  CAF_CHECK_EQUAL(parse_error(head + "M=audio 4000 RTP/AVP 0\r\n"), "line 5: not <type>=<value>");
  CAF_CHECK_EQUAL(parse_error(head + "x=1\r\n" + audio), "line 5: unknown line type");
  CAF_CHECK_EQUAL(parse_error(head + audio + "s=again\r\n"),
                  "line 6: line type not allowed in a media section");
  CAF_CHECK_EQUAL(parse_error(head + "m=audio 65536 RTP/AVP 0\r\n"), "line 5: bad m= line");
  CAF_CHECK_EQUAL(parse_error(head + "m=audio 99999999999999999999999 RTP/AVP 0\r\n"),
                  "line 5: bad m= line");
  CAF_CHECK_EQUAL(parse_error(head + "m=audio -1 RTP/AVP 0\r\n"), "line 5: bad m= line");
  CAF_CHECK_EQUAL(parse_error(head + "m=audio 4000 RTP/AVP 128\r\n"), "line 5: bad m= line");
  CAF_CHECK_EQUAL(parse_error(head + "m=audio 4000 RTP/AVP PCMU\r\n"), "line 5: bad m= line");
  CAF_CHECK_EQUAL(parse_error("v=0\r\no=- 123456789012345678901234567890 1 IN IP4 1.2.3.4\r\n"),
                  "line 2: bad o= line");
  CAF_CHECK_EQUAL(parse_error("v=0\r\no=- 1 1 IN IP4\r\n"), "line 2: bad o= line");
  CAF_CHECK_EQUAL(parse_error(head + "c=IN IP4\r\n" + audio), "line 5: bad c= line");
  CAF_CHECK_EQUAL(parse_error(head + "b=AS:x\r\n" + audio), "line 5: bad b= line");
  CAF_CHECK_EQUAL(parse_error(head + "t=0\r\n" + audio), "line 5: bad t= line");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=rtpmap:0 PCMU\r\n"), "line 6: bad a=rtpmap");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=rtpmap:0 PCMU/0\r\n"), "line 6: bad a=rtpmap");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=rtpmap:300 PCMU/8000\r\n"), "line 6: bad a=rtpmap");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=ptime:0\r\n"), "line 6: bad a=ptime");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=ptime:20.5\r\n"), "line 6: bad a=ptime");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=setup:sometimes\r\n"), "line 6: bad a=setup");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=mid:a\r\na=mid:b\r\n"), "line 7: repeated a=mid");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=sendrecv\r\na=inactive\r\n"),
                  "line 7: more than one direction attribute");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=rtcp-mux:yes\r\n"),
                  "line 6: a=rtcp-mux takes no value");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=fingerprint:sha-256 XY:12\r\n"),
                  "line 6: bad a=fingerprint");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=fingerprint:sha-256\r\n"),
                  "line 6: bad a=fingerprint");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=ice-ufrag:has space\r\n"),
                  "line 6: bad a=ice-ufrag");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=candidate:1 1 udp 1 10.0.0.1 4000 type host\r\n"),
                  "line 6: candidate: missing typ");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=candidate:1 1 udp 1 10.0.0.1\r\n"),
                  "line 6: candidate: too few fields");
  CAF_CHECK_EQUAL(
      parse_error(head + audio + "a=candidate:1 1 udp 4294967296 10.0.0.1 4000 typ host\r\n"),
      "line 6: candidate: bad priority");
  CAF_CHECK_EQUAL(
      parse_error(head + audio + "a=candidate:1 1 udp 1 10.0.0.1 4000 typ host raddr\r\n"),
      "line 6: candidate: extension without value");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=ssrc:abc cname:x\r\n"), "line 6: bad a=ssrc");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=:x\r\n"), "line 6: bad attribute name");
}

CAF_TEST(bad bytes are rejected without echoing the input) {
  auto head = std::string("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n");
  auto audio = std::string("m=audio 4000 RTP/AVP 0\r\n");
  auto with_nul = head + audio + "a=x-SECRETSECRET" + std::string(1, '\0') + "\r\n";
  CAF_CHECK_EQUAL(parse_error(with_nul), "line 6: NUL byte");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=x-SECRETSECRET\x01\r\n"),
                  "line 6: control character");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=x-SECRETSECRET\rmore\r\n"),
                  "line 6: control character");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=x-SECRETSECRET\t\r\n"),
                  "line 6: control character");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=x-SECRETSECRET\xff\r\n"), "line 6: invalid UTF-8");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=x-SECRETSECRET\xc0\xaf\r\n"),
                  "line 6: invalid UTF-8");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=x-SECRETSECRET\xed\xa0\x80\r\n"),
                  "line 6: invalid UTF-8");
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=x-SECRETSECRET\xe2\x82\r\n"),
                  "line 6: invalid UTF-8");
  // Well-formed UTF-8 is fine.
  CAF_CHECK_EQUAL(parse_error(head + audio +
                              "i=Stra\xc3\x9f"
                              "e \xe2\x98\x8e \xf0\x9f\x93\x9e\r\n"),
                  "accepted");
}

CAF_TEST(limits are enforced) {
  auto head = std::string("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n");
  auto audio = std::string("m=audio 4000 RTP/AVP 0\r\n");
  // Over 64 KiB.
  CAF_CHECK_EQUAL(parse_error(head + audio + std::string(100000, 'a')),
                  "SDP larger than 65536 bytes");
  // 100k lines do not fit in 64 KiB anyway; 2,001 short lines do.
  std::string many = head + audio;
  for (int i = 0; i < 100000; ++i) {
    many += "a=x\r\n";
  }
  CAF_CHECK_EQUAL(parse_error(many), "SDP larger than 65536 bytes");
  many = head + audio;
  while (std::count(many.begin(), many.end(), '\n') < 2001) {
    many += "a=x\n";
  }
  CAF_CHECK_EQUAL(parse_error(many), "SDP longer than 2000 lines");
  many = head + audio;
  while (std::count(many.begin(), many.end(), '\n') < 2000) {
    many += "a=x\n";
  }
  CAF_CHECK_EQUAL(parse_error(many), "accepted");
  std::string blank_lines(3000, '\n');
  CAF_CHECK_EQUAL(parse_error(blank_lines), "SDP longer than 2000 lines");
  // A line over 4 KiB.
  CAF_CHECK_EQUAL(parse_error(head + audio + "a=x:" + std::string(5000, 'y') + "\r\n"),
                  "line 6: longer than 4096 bytes");
  // 20 m-lines.
  std::string sections = head;
  for (int i = 0; i < 20; ++i) {
    sections += audio;
  }
  CAF_CHECK_EQUAL(parse_error(sections), "line 21: more than 16 m= lines");
  sections = head;
  for (int i = 0; i < 16; ++i) {
    sections += audio;
  }
  CAF_CHECK_EQUAL(parse_error(sections), "accepted");
  // 65 candidates on one m-line.
  std::string candidates = head + audio;
  for (int i = 0; i < 65; ++i) {
    candidates += "a=candidate:" + std::to_string(i) + " 1 udp 1 10.0.0.1 4000 typ host\r\n";
  }
  CAF_CHECK_EQUAL(parse_error(candidates), "line 70: more than 64 candidates");
}

CAF_TEST(every truncation and byte flip of real descriptions is handled) {
  // A deterministic stand-in for the fuzzer: no crash, and anything accepted round trips.
  for (const auto& text : {chromium_offer(), asterisk_offer()}) {
    for (std::size_t n = 0; n <= text.size(); n += 7) {
      std::string error;
      auto sdp = parse(std::string_view(text).substr(0, n), error);
      if (!sdp) {
        CAF_CHECK(!error.empty());
        continue;
      }
      sdp_error ignored;
      read_webrtc_audio(*sdp, ignored);
      read_sip_audio(*sdp, ignored);
      CAF_CHECK(parsed(sdp->to_string()) == *sdp);
    }
    for (std::size_t i = 0; i < text.size(); i += 3) {
      for (char flip : {'\0', ' ', ':', '/', '=', '\n', 'z', '9', '\xff'}) {
        std::string mutated = text;
        mutated[i] = flip;
        std::string error;
        auto sdp = parse(mutated, error);
        if (!sdp) {
          continue;
        }
        sdp_error ignored;
        read_webrtc_audio(*sdp, ignored);
        read_sip_audio(*sdp, ignored);
        std::string again;
        auto reparsed = parse(sdp->to_string(), again);
        CAF_CHECK(reparsed.has_value() && *reparsed == *sdp);
      }
    }
  }
}

CAF_TEST(candidates parse with or without their prefix and write back) {
  std::string error;
  auto c = parse_candidate(
      "candidate:842163049 1 udp 1686052607 203.0.113.77 56143 typ srflx raddr 192.168.1.34 "
      "rport 56143 generation 0 ufrag EsAw network-id 1",
      error);
  CAF_REQUIRE(c.has_value());
  CAF_CHECK_EQUAL(c->to_string(),
                  "842163049 1 udp 1686052607 203.0.113.77 56143 typ srflx raddr 192.168.1.34 "
                  "rport 56143 generation 0 ufrag EsAw network-id 1");
  auto again = parse_candidate("a=candidate:" + c->to_string(), error);
  CAF_REQUIRE(again.has_value());
  CAF_CHECK(*again == *c);
  CAF_CHECK(!parse_candidate("candidate:1 0 udp 1 10.0.0.1 4000 typ host", error));
  CAF_CHECK_EQUAL(error, "candidate: bad component");
  CAF_CHECK(!parse_candidate("candidate:1 1 udp 1 10.0.0.1 4000 typ host rport 1 rport 2", error));
  CAF_CHECK_EQUAL(error, "candidate: bad rport");
}
