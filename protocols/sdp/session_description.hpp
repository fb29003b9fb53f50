// A whole SDP session description (RFC 8866): parsed from untrusted text, written with CRLF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/sdp/attribute_set.hpp"
#include "protocols/sdp/fields.hpp"
#include "protocols/sdp/media_description.hpp"

namespace wrtc::sdp {

/// Limits `parse` enforces before anything else reads the text.
inline constexpr std::size_t max_sdp_bytes = std::size_t{64} * 1024;
inline constexpr std::size_t max_sdp_lines = 2000;
inline constexpr std::size_t max_line_bytes = std::size_t{4} * 1024;
inline constexpr std::size_t max_media_sections = 16;

/// Session-level lines plus the media sections, in order.
struct session_description {
  /// v= is always 0 and not stored.
  origin_line origin;
  /// s= (may be "-" or a single space).
  std::string session_name = "-";
  /// i=, u=
  std::optional<std::string> info;
  std::optional<std::string> uri;
  /// e=, p=
  std::vector<std::string> emails;
  std::vector<std::string> phones;
  /// c= at session level: the default for media sections without their own.
  std::optional<connection_data> connection;
  std::vector<bandwidth> bandwidths;
  /// t= lines with their r= lines; at least one when parsed.
  std::vector<timing> timings{timing{}};
  /// z=, k= (kept as written).
  std::optional<std::string> time_zones;
  std::optional<std::string> key;
  attribute_set attributes;
  std::vector<media_description> media;

  bool operator==(const session_description&) const = default;

  /// The media section's c=, else the session's, else nullptr.
  const connection_data* connection_for(const media_description& m) const;

  /// The media section with this a=mid, or nullptr.
  const media_description* find_mid(std::string_view mid) const;

  /// The SDP text, every line ending in CRLF, in RFC 8866 order.
  std::string to_string() const;
};

/// Parses untrusted SDP text. Accepts CRLF or LF line ends and blank lines. Rejects text over
/// the limits above, control characters, NUL bytes and invalid UTF-8, a first line other than
/// "v=0", a second line other than o=, a missing s= or t=, no m= line, unknown line types,
/// lines out of place, bad ports and numbers, and malformed interpreted attributes. On failure
/// returns nullopt and sets `error` to a short reason with the line number; input text is never
/// echoed back.
std::optional<session_description> parse(std::string_view text, std::string& error);

}  // namespace wrtc::sdp
