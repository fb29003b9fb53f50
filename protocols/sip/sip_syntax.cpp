// Checks of application-supplied text before it is written into SIP messages.
#include "protocols/sip/sip_syntax.hpp"

#include <sofia-sip/url.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>

namespace wrtc::sip {
namespace {

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

}  // namespace

bool is_valid_user(std::string_view user) {
  static constexpr std::string_view extra = "-_.!~*'()&=+$,;?/%";
  return !user.empty() && std::all_of(user.begin(), user.end(), [](char c) {
    return is_alnum(c) || extra.find(c) != extra.npos;
  });
}

bool is_valid_domain(std::string_view domain) {
  static constexpr std::string_view extra = "-._:[]";
  return !domain.empty() && std::all_of(domain.begin(), domain.end(), [](char c) {
    return is_alnum(c) || extra.find(c) != extra.npos;
  });
}

bool is_usable_credential(std::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return c == ':' || c == '\0' || c == '\r' || c == '\n'; });
}

bool is_valid_sip_uri(std::string_view uri) {
  // RFC 3986 unreserved, sub-delims and the gen-delims a SIP URI uses, and escapes; '#' (a
  // fragment has no meaning in SIP), '?' (URI headers) and everything that would end a
  // name-addr are left out.
  static constexpr std::string_view extra = "-_.!~*'()&=+$,;/%:@[]";
  if (uri.size() > 1024 ||
      !(starts_with_ignoring_case(uri, "sip:") || starts_with_ignoring_case(uri, "sips:")) ||
      !std::all_of(uri.begin(), uri.end(),
                   [](char c) { return is_alnum(c) || extra.find(c) != extra.npos; })) {
    return false;
  }
  // url_d() decodes in place and points into the buffer it was given.
  std::string copy(uri);
  url_t url[1];
  if (url_d(url, copy.data()) < 0) {
    return false;
  }
  return (url->url_type == url_sip || url->url_type == url_sips) && url->url_host != nullptr &&
         *url->url_host != '\0';
}

bool is_valid_number(std::string_view number) {
  static constexpr std::string_view extra = "+*#-._()";
  return !number.empty() && number.size() <= 64 &&
         std::all_of(number.begin(), number.end(),
                     [](char c) { return is_alnum(c) || extra.find(c) != extra.npos; });
}

std::string number_as_user(std::string_view number) {
  std::string user;
  for (char c : number) {
    if (c == '#') {
      user += "%23";
    } else {
      user += c;
    }
  }
  return user;
}

bool is_valid_header_name(std::string_view name) {
  static constexpr std::string_view extra = "-.!%*_+`'~";
  return !name.empty() && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](char c) {
    return is_alnum(c) || extra.find(c) != extra.npos;
  });
}

bool is_valid_header_value(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

bool is_reserved_header(std::string_view name) {
  static constexpr std::string_view reserved[] = {
      "via",
      "v",
      "from",
      "f",
      "to",
      "t",
      "call-id",
      "i",
      "cseq",
      "contact",
      "m",
      "content-type",
      "c",
      "content-length",
      "l",
      "content-encoding",
      "e",
      "max-forwards",
      "route",
      "record-route",
      "require",
      "proxy-require",
      "supported",
      "k",
      "authorization",
      "proxy-authorization",
      "allow",
  };
  return std::any_of(std::begin(reserved), std::end(reserved),
                     [name](std::string_view r) { return equals_ignoring_case(name, r); });
}

}  // namespace wrtc::sip
