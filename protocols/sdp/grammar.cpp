// The lexical rules of SDP shared by every line parser.
#include "protocols/sdp/grammar.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <string>

namespace wrtc::sdp::grammar {

namespace {

constexpr std::size_t max_digits = 20;

bool is_alpha_num(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// inet_pton wants a NUL-terminated string; literals are short, so copy into a stack buffer.
bool is_literal(int family, std::string_view text) {
  std::array<char, 64> buffer{};
  if (text.empty() || text.size() >= buffer.size()) {
    return false;
  }
  std::copy(text.begin(), text.end(), buffer.begin());
  std::array<unsigned char, 16> address{};
  return inet_pton(family, buffer.data(), address.data()) == 1;
}

}  // namespace

bool parse_number(std::string_view text, uint64_t max, uint64_t& out) {
  if (text.empty() || text.size() > max_digits) {
    return false;
  }
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
    auto digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      return false;
    }
    value = value * 10 + digit;
  }
  if (value > max) {
    return false;
  }
  out = value;
  return true;
}

bool is_token(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    if (is_alpha_num(c)) {
      return true;
    }
    switch (c) {
      case '!':
      case '#':
      case '$':
      case '%':
      case '&':
      case '\'':
      case '*':
      case '+':
      case '-':
      case '.':
      case '^':
      case '_':
      case '`':
      case '{':
      case '|':
      case '}':
      case '~':
        return true;
      default:
        return false;
    }
  });
}

bool is_ice_chars(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return is_alpha_num(c) || c == '+' || c == '/'; });
}

bool is_field(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f;
  });
}

bool is_host(std::string_view text) {
  if (text.empty() || text.size() > 255) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return is_alpha_num(c) || c == '.' || c == ':' || c == '-' || c == '_' || c == '%';
  });
}

bool is_ipv4_literal(std::string_view text) {
  return is_literal(AF_INET, text);
}

bool is_ipv6_literal(std::string_view text) {
  return is_literal(AF_INET6, text);
}

std::size_t fingerprint_bytes(std::string_view text) {
  constexpr std::size_t max_bytes = 64;
  if (text.size() < 2 || (text.size() + 1) % 3 != 0 || (text.size() + 1) / 3 > max_bytes) {
    return 0;
  }
  auto is_hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i % 3 == 2 ? text[i] != ':' : !is_hex(text[i])) {
      return 0;
    }
  }
  return (text.size() + 1) / 3;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && text[pos] == ' ') {
      ++pos;
    }
    if (pos == text.size()) {
      break;
    }
    auto end = text.find(' ', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    fields.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return fields;
}

void split_once(std::string_view text, char separator, std::string_view& head,
                std::string_view& rest, bool& found) {
  auto at = text.find(separator);
  found = at != std::string_view::npos;
  head = text.substr(0, at);
  rest = found ? text.substr(at + 1) : std::string_view{};
}

std::size_t utf8_sequence_length(std::string_view text) {
  if (text.empty()) {
    return 0;
  }
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  auto continuation = [&](std::size_t i) { return i < text.size() && (byte(i) & 0xc0) == 0x80; };
  unsigned char first = byte(0);
  if (first < 0x80) {
    return 1;
  }
  if (first >= 0xc2 && first <= 0xdf) {
    return continuation(1) ? 2 : 0;
  }
  if (first >= 0xe0 && first <= 0xef) {
    if (!continuation(1) || !continuation(2)) {
      return 0;
    }
    unsigned char second = byte(1);
    if (first == 0xe0 && second < 0xa0) {
      return 0;  // overlong
    }
    if (first == 0xed && second >= 0xa0) {
      return 0;  // UTF-16 surrogates
    }
    return 3;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) {
      return 0;
    }
    unsigned char second = byte(1);
    if (first == 0xf0 && second < 0x90) {
      return 0;  // overlong
    }
    if (first == 0xf4 && second >= 0x90) {
      return 0;  // above U+10FFFF
    }
    return 4;
  }
  return 0;
}

}  // namespace wrtc::sdp::grammar
