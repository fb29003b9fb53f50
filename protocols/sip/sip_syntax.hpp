// Checks of application-supplied text before it is written into SIP messages.
#pragma once

#include <string>
#include <string_view>

namespace wrtc::sip {

/// RFC 3261 user part: unreserved and user-unreserved characters, plus escapes. Anything else
/// could break out of the URI (or the header) built from it.
bool is_valid_user(std::string_view user);

/// A host name or IPv4 address, optionally with a port; IPv6 references in brackets.
bool is_valid_domain(std::string_view domain);

/// Whether a digest user name or password can be handed to sofia: NUTAG_AUTH takes
/// "scheme:\"realm\":user:password" and sofia's auc_credentials() cuts the user and the
/// password at the next colon, so neither may hold one (nua has no other way in).
bool is_usable_credential(std::string_view text);

/// A sip: or sips: URI with a host, made only of characters a URI may hold (no spaces, quotes,
/// angle brackets or line breaks), so that it can be put between '<' and '>' as it is. URI
/// headers ('?') are refused: sofia would copy them into the request.
bool is_valid_sip_uri(std::string_view uri);

/// A dial string that becomes the user part of sip:<number>@<domain>: letters, digits and
/// "+*#-._()", at most 64 characters. '#' must be written "%23" in the URI (see
/// number_as_user()).
bool is_valid_number(std::string_view number);

/// `number` (is_valid_number()) as a URI user part: '#' escaped.
std::string number_as_user(std::string_view number);

/// An RFC 3261 token: a header name the application may add.
bool is_valid_header_name(std::string_view name);

/// A header value without line breaks or other control characters (tabs are fine).
bool is_valid_header_value(std::string_view value);

/// Headers that the stack writes itself and the application must not add (case-insensitive,
/// compact forms included): Via, From, To, Call-ID, CSeq, Contact, Content-Type,
/// Content-Length, Content-Encoding, Max-Forwards, Route, Record-Route, Require,
/// Proxy-Require, Supported, Allow, Authorization, Proxy-Authorization.
bool is_reserved_header(std::string_view name);

}  // namespace wrtc::sip
