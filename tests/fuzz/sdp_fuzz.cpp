// libFuzzer target: SDP parsing, writing and the browser and SIP interpreters and answer builders.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocols/sdp/session_description.hpp"
#include "protocols/sdp/sip_media.hpp"
#include "protocols/sdp/sip_offer_answer.hpp"
#include "protocols/sdp/webrtc_media.hpp"
#include "protocols/sdp/webrtc_offer_answer.hpp"

namespace {

using namespace wrtc::sdp;

webrtc_local_media local_webrtc() {
  webrtc_local_media local;
  local.session_id = 1;
  local.session_version = 1;
  local.ice_ufrag = "fUzZ";
  local.ice_pwd = "fuzzfuzzfuzzfuzzfuzzfuzz";
  local.candidates = {"candidate:1 1 udp 2130706431 10.0.0.1 40000 typ host"};
  local.local_fingerprint = fingerprint{
      "sha-256",
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:"
      "EE:FF"};
  local.ssrc = 1;
  local.cname = "fuzz";
  return local;
}

sip_local_media local_sip() {
  sip_local_media local;
  local.address = "10.0.0.1";
  local.port = 40000;
  return local;
}

// Whatever the parser accepts must write back to text that parses to an equal description.
void check_round_trip(const session_description& sdp) {
  std::string error;
  auto again = parse(sdp.to_string(), error);
  if (!again || !(*again == sdp)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto sdp = parse(text, error);
  if (!sdp) {
    if (error.empty()) {
      std::abort();
    }
    return 0;
  }
  check_round_trip(*sdp);

  sdp_error failure;
  if (auto audio = read_webrtc_audio(*sdp, failure)) {
    if (auto answer = build_webrtc_answer(*sdp, local_webrtc(), std::nullopt, failure)) {
      check_round_trip(answer->sdp);
    }
  }
  if (auto audio = read_sip_audio(*sdp, failure)) {
    if (audio->g711_formats.empty()) {
      std::abort();
    }
    if (auto answer = build_sip_answer(*sdp, local_sip(), failure)) {
      check_round_trip(*answer);
    }
  }
  return 0;
}
