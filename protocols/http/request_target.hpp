// Splitting and percent-decoding of request targets and query strings.
#pragma once

#include <string>
#include <string_view>

namespace wrtc::http {

/// Splits a request-target (origin-form "/p?q", absolute-form "http://h/p?q" or "*") into its
/// percent-decoded path and raw query. False when the target has no usable form, the path holds a
/// broken escape ("%4", "%zz") or an escape decodes to NUL.
bool split_request_target(std::string_view target, std::string& path, std::string& query);

/// Decodes one query component: "%41" reads as 'A', '+' as a space; broken escapes stay as sent,
/// since a query is advisory input that the application validates anyway.
std::string decode_query_component(std::string_view in);

/// Walks "a=1&b&c=x%20y" and returns the raw value of the first parameter whose decoded name is
/// `name`; `found` tells whether it was present (a parameter without '=' has an empty value).
std::string_view find_query_value(std::string_view query, std::string_view name, bool& found);

}  // namespace wrtc::http
