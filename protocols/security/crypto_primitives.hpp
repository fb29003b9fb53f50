// The OpenSSL primitives the control plane needs: random identifiers and token digests.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wrtc::security {

/// `bytes` bytes from the OpenSSL CSPRNG, hex-encoded (2 * bytes characters).
std::string random_hex(std::size_t bytes);

/// SHA-256 of `data`, hex-encoded. Used to remember tokens without keeping them.
std::string sha256_hex(std::string_view data);

/// Compares two strings in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace wrtc::security
