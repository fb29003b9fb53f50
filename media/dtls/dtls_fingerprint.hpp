// A certificate fingerprint as SDP carries it (RFC 8122 a=fingerprint), and its comparison.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct x509_st;

namespace wrtc::media {

/// The hash of a DER certificate. Value type; no allocation.
class dtls_fingerprint {
 public:
  enum class hash : uint8_t { sha1, sha256, sha384, sha512 };

  /// Parses the SDP form: `algorithm` "sha-256" (case-insensitive; also sha-1, sha-384,
  /// sha-512) and `value` "AB:CD:..." (hex digits of either case). nullopt and `error` if bad.
  static std::optional<dtls_fingerprint> parse(std::string_view algorithm, std::string_view value,
                                               std::string& error);

  /// The fingerprint of `cert` with `h`; nullopt only if OpenSSL fails.
  static std::optional<dtls_fingerprint> of(const x509_st* cert, hash h);

  /// Whether `cert` hashes to this fingerprint; compares in constant time.
  bool matches(const x509_st* cert) const;

  /// "sha-256" etc.
  std::string_view algorithm() const;

  /// Uppercase hex bytes separated by ':', as SDP wants it.
  std::string to_sdp() const;

  hash algorithm_hash() const { return hash_; }
  size_t size() const { return size_; }
  const uint8_t* data() const { return bytes_.data(); }

 private:
  explicit dtls_fingerprint(hash h) : hash_(h) {}

  hash hash_;
  size_t size_ = 0;
  std::array<uint8_t, 64> bytes_{};
};

}  // namespace wrtc::media
