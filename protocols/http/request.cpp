// One parsed HTTP request as handed to the application.
#include "protocols/http/request.hpp"

#include <algorithm>

#include "protocols/http/request_target.hpp"

namespace wrtc::http {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

}  // namespace

std::string request::query_param(std::string_view name) const {
  bool found = false;
  auto raw = find_query_value(query, name, found);
  return found ? decode_query_component(raw) : std::string{};
}

bool request::has_query_param(std::string_view name) const {
  bool found = false;
  find_query_value(query, name, found);
  return found;
}

std::string request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) {
      return value;
    }
  }
  return {};
}

bool request::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [name](const auto& h) { return iequals(h.first, name); });
}

}  // namespace wrtc::http
