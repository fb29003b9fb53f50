// DTMF digits carried in SIP INFO bodies (application/dtmf-relay, application/dtmf).
#include "protocols/sip/sip_info_dtmf.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace wrtc::sip {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<int> to_number(std::string_view text, int max) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 0 || value > max) {
    return std::nullopt;
  }
  return value;
}

std::optional<char> to_digit(std::string_view signal) {
  signal = trim(signal);
  if (signal.size() == 1) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(signal[0])));
    if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')) {
      return c;
    }
    return std::nullopt;
  }
  static constexpr std::string_view events = "0123456789*#ABCD";
  if (auto event = to_number(signal, 15)) {
    return events[static_cast<std::size_t>(*event)];
  }
  return std::nullopt;
}

std::optional<dtmf_press> parse_relay(std::string_view body) {
  std::optional<char> digit;
  int duration = 0;
  while (!body.empty()) {
    std::size_t eol = body.find('\n');
    std::string_view line = body.substr(0, eol);
    body = eol == std::string_view::npos ? std::string_view{} : body.substr(eol + 1);
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      continue;
    }
    std::string_view name = trim(line.substr(0, eq));
    std::string_view value = trim(line.substr(eq + 1));
    if (equals_ignoring_case(name, "Signal")) {
      digit = to_digit(value);
      if (!digit) {
        return std::nullopt;
      }
    } else if (equals_ignoring_case(name, "Duration")) {
      auto ms = to_number(value, 3600000);
      if (!ms) {
        return std::nullopt;
      }
      duration = *ms;
    }
  }
  if (!digit) {
    return std::nullopt;
  }
  return dtmf_press{*digit, duration};
}

}  // namespace

bool is_dtmf_info_type(std::string_view content_type) {
  content_type = trim(content_type);
  return equals_ignoring_case(content_type, "application/dtmf-relay") ||
         equals_ignoring_case(content_type, "application/dtmf");
}

std::optional<dtmf_press> parse_dtmf_info(std::string_view content_type, std::string_view body) {
  content_type = trim(content_type);
  if (equals_ignoring_case(content_type, "application/dtmf-relay")) {
    return parse_relay(body);
  }
  if (equals_ignoring_case(content_type, "application/dtmf")) {
    if (auto digit = to_digit(body)) {
      return dtmf_press{*digit, 0};
    }
  }
  return std::nullopt;
}

}  // namespace wrtc::sip
