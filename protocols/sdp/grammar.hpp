// The lexical rules of SDP (RFC 8866 tokens, numbers, addresses) that every line parser shares.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace wrtc::sdp::grammar {

/// Parses a run of 1–20 ASCII digits into a value no larger than `max`. No sign, no spaces, no
/// overflow: "huge numbers" fail here rather than wrapping.
bool parse_number(std::string_view text, uint64_t max, uint64_t& out);

/// `parse_number` narrowed to the integer type of the destination.
template <class T>
bool parse_number_as(std::string_view text, uint64_t max, T& out) {
  uint64_t value = 0;
  if (!parse_number(text, max, value)) {
    return false;
  }
  out = static_cast<T>(value);
  return true;
}

/// RFC 8866 token: visible ASCII except the separators SDP gives meaning to.
bool is_token(std::string_view text);

/// RFC 8839 ice-char run: ALPHA / DIGIT / "+" / "/".
bool is_ice_chars(std::string_view text);

/// Visible text without spaces (any UTF-8 above 0x7f allowed): the shape of a field in a line
/// whose fields are separated by single spaces.
bool is_field(std::string_view text);

/// Characters an IP literal or a host name (including mDNS "<uuid>.local") may hold.
bool is_host(std::string_view text);

/// Dotted-quad IPv4 literal.
bool is_ipv4_literal(std::string_view text);

/// IPv6 literal without brackets.
bool is_ipv6_literal(std::string_view text);

/// The number of bytes in a fingerprint value "AB:CD:...", or 0 when it is not hex byte pairs
/// separated by colons (or longer than 64 bytes).
std::size_t fingerprint_bytes(std::string_view text);

/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b);

/// Splits at runs of spaces; empty fields never appear in the result.
std::vector<std::string_view> split_fields(std::string_view text);

/// Splits `text` at the first `separator`; `rest` is empty when there is none.
void split_once(std::string_view text, char separator, std::string_view& head,
                std::string_view& rest, bool& found);

/// Returns the length of the valid UTF-8 sequence starting at `text[0]` (1–4), or 0 when the
/// bytes there are not well-formed UTF-8 (overlong forms, surrogates and values above U+10FFFF
/// included).
std::size_t utf8_sequence_length(std::string_view text);

}  // namespace wrtc::sdp::grammar
