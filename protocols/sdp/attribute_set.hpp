// The a= lines of one level (session or media), each interpreted attribute in its typed field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/sdp/fields.hpp"
#include "protocols/sdp/ice_candidate.hpp"

namespace wrtc::sdp {

/// Most a=candidate lines one level may hold.
inline constexpr std::size_t max_candidates = 64;

/// The attributes of the session or of one m-line. Interpreted attributes are checked when read;
/// a=ssrc, a=ssrc-group, a=msid and a=extmap are kept as written; everything else lands in
/// `others`, in the order it came. Written back in a fixed order (see `write`).
struct attribute_set {
  // -- identification and grouping -------------------------------------------

  /// a=mid (RFC 5888).
  std::optional<std::string> mid;
  /// a=group, e.g. BUNDLE.
  std::vector<group> groups;

  // -- ICE (RFC 8839) ---------------------------------------------------------

  std::optional<std::string> ice_ufrag;
  std::optional<std::string> ice_pwd;
  /// a=ice-options, one entry per option tag.
  std::vector<std::string> ice_options;
  bool ice_lite = false;
  std::vector<ice_candidate> candidates;
  bool end_of_candidates = false;

  // -- DTLS (RFC 8122, 4145) ----------------------------------------------------

  std::vector<fingerprint> fingerprints;
  std::optional<setup_role> setup;

  // -- RTP ----------------------------------------------------------------------

  std::vector<rtpmap> rtpmaps;
  std::vector<fmtp> fmtps;
  std::optional<uint32_t> ptime;
  std::optional<uint32_t> maxptime;
  std::optional<media_direction> direction;
  std::optional<rtcp_address> rtcp;
  bool rtcp_mux = false;
  bool rtcp_rsize = false;
  /// a=extmap values, as written.
  std::vector<std::string> extmaps;
  /// a=msid values, as written.
  std::vector<std::string> msids;
  /// a=ssrc-group values, as written.
  std::vector<std::string> ssrc_groups;
  /// a=ssrc values, as written ("<ssrc> <attribute>[:<value>]").
  std::vector<std::string> ssrcs;

  // -- everything else ----------------------------------------------------------

  std::vector<attribute> others;

  bool operator==(const attribute_set&) const = default;

  // -- lookups --------------------------------------------------------------------

  /// The rtpmap of `payload_type`, or nullptr.
  const rtpmap* find_rtpmap(uint8_t payload_type) const;

  /// The fmtp of `payload_type`, or nullptr.
  const fmtp* find_fmtp(uint8_t payload_type) const;

  /// The first group with these semantics (case-insensitive) that lists `mid`, or nullptr.
  const group* find_group(std::string_view semantics, std::string_view mid) const;

  /// Whether an uninterpreted attribute with this name is present.
  bool has_other(std::string_view name) const;

  // -- reading and writing --------------------------------------------------------

  /// Reads the text after "a=". `rtp_formats` says whether formats are RTP payload types (an
  /// RTP m-line): only then are rtpmap and fmtp interpreted, elsewhere they are kept as others.
  /// Returns false and fills `error` on a malformed value, a repeated single-valued attribute or
  /// more than `max_candidates` candidates.
  bool read(std::string_view text, bool rtp_formats, std::string& error);

  /// Appends the a= lines, CRLF-terminated, in a fixed order: groups and identification first,
  /// then ICE, DTLS, RTP parameters (all rtpmaps, then all fmtps), SSRCs, candidates and
  /// finally the others. Reading the result gives back an equal set.
  void write(std::string& out) const;
};

}  // namespace wrtc::sdp
