// Lookups over one media section.
#include "protocols/sdp/media_description.hpp"

#include <algorithm>

#include "protocols/sdp/grammar.hpp"

namespace wrtc::sdp {

bool media_description::is_rtp() const {
  return proto.find("RTP/") != std::string::npos;
}

bool media_description::has_payload_type(uint8_t payload_type) const {
  auto wanted = std::to_string(payload_type);
  return is_rtp() && std::find(formats.begin(), formats.end(), wanted) != formats.end();
}

std::vector<uint8_t> media_description::payload_types() const {
  std::vector<uint8_t> result;
  if (!is_rtp()) {
    return result;
  }
  for (const auto& f : formats) {
    uint8_t pt = 0;
    if (grammar::parse_number_as(f, 127, pt)) {
      result.push_back(pt);
    }
  }
  return result;
}

std::optional<uint8_t> media_description::find_payload_type(
    std::string_view encoding, uint32_t clock_rate, std::optional<uint16_t> channels) const {
  for (auto pt : payload_types()) {
    const auto* r = attributes.find_rtpmap(pt);
    if (r == nullptr || !grammar::iequals(r->encoding, encoding) || r->clock_rate != clock_rate) {
      continue;
    }
    if (channels && r->channels.value_or(1) != *channels) {
      continue;
    }
    return pt;
  }
  return std::nullopt;
}

media_direction media_description::effective_direction(
    std::optional<media_direction> session_default) const {
  return attributes.direction.value_or(session_default.value_or(media_direction::sendrecv));
}

}  // namespace wrtc::sdp
