// Certificate digests for DTLS fingerprints: the only file that calls X509_digest.
#include "media/dtls/dtls_fingerprint.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cctype>

namespace wrtc::media {

namespace {

struct hash_entry {
  dtls_fingerprint::hash h;
  std::string_view name;
  size_t size;
};

constexpr hash_entry hashes[] = {
    {dtls_fingerprint::hash::sha1, "sha-1", 20},
    {dtls_fingerprint::hash::sha256, "sha-256", 32},
    {dtls_fingerprint::hash::sha384, "sha-384", 48},
    {dtls_fingerprint::hash::sha512, "sha-512", 64},
};

const hash_entry& entry(dtls_fingerprint::hash h) {
  for (auto& e : hashes) {
    if (e.h == h) {
      return e;
    }
  }
  return hashes[1];
}

const EVP_MD* digest(dtls_fingerprint::hash h) {
  switch (h) {
    case dtls_fingerprint::hash::sha1:
      return EVP_sha1();
    case dtls_fingerprint::hash::sha256:
      return EVP_sha256();
    case dtls_fingerprint::hash::sha384:
      return EVP_sha384();
    case dtls_fingerprint::hash::sha512:
      return EVP_sha512();
  }
  return EVP_sha256();
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

std::optional<dtls_fingerprint> dtls_fingerprint::parse(std::string_view algorithm,
                                                        std::string_view value,
                                                        std::string& error) {
  const hash_entry* e = nullptr;
  for (auto& candidate : hashes) {
    if (iequals(candidate.name, algorithm)) {
      e = &candidate;
    }
  }
  if (e == nullptr) {
    error = "unsupported fingerprint algorithm '" + std::string{algorithm.substr(0, 16)} + "'";
    return std::nullopt;
  }
  // Exactly "XX:XX:...:XX" with e->size bytes.
  if (value.size() != e->size * 3 - 1) {
    error = "fingerprint of " + std::string{e->name} + " must have " + std::to_string(e->size) +
            " bytes";
    return std::nullopt;
  }
  dtls_fingerprint fp{e->h};
  for (size_t i = 0; i < e->size; ++i) {
    auto hi = hex_value(value[i * 3]);
    auto lo = hex_value(value[i * 3 + 1]);
    if (hi < 0 || lo < 0 || (i + 1 < e->size && value[i * 3 + 2] != ':')) {
      error = "malformed fingerprint value";
      return std::nullopt;
    }
    fp.bytes_[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  fp.size_ = e->size;
  return fp;
}

std::optional<dtls_fingerprint> dtls_fingerprint::of(const x509_st* cert, hash h) {
  dtls_fingerprint fp{h};
  unsigned int n = 0;
  if (cert == nullptr || X509_digest(cert, digest(h), fp.bytes_.data(), &n) != 1 ||
      n != entry(h).size) {
    return std::nullopt;
  }
  fp.size_ = n;
  return fp;
}

bool dtls_fingerprint::matches(const x509_st* cert) const {
  auto actual = of(cert, hash_);
  // Sizes are public (they follow from the algorithm); the bytes are compared in constant time.
  return actual && actual->size_ == size_ && size_ > 0 &&
         CRYPTO_memcmp(actual->bytes_.data(), bytes_.data(), size_) == 0;
}

std::string_view dtls_fingerprint::algorithm() const {
  return entry(hash_).name;
}

std::string dtls_fingerprint::to_sdp() const {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(size_ * 3);
  for (size_t i = 0; i < size_; ++i) {
    if (i > 0) {
      out += ':';
    }
    out += digits[bytes_[i] >> 4];
    out += digits[bytes_[i] & 0x0f];
  }
  return out;
}

}  // namespace wrtc::media
