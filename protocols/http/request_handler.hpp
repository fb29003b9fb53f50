// The application's entry point for requests.
#pragma once

#include <functional>

#include "protocols/http/request.hpp"
#include "protocols/http/responder.hpp"

namespace wrtc::http {

/// Invoked on the HTTP thread for every complete request; must not block. Answer through the
/// responder, now or later, from any thread.
using request_handler = std::function<void(request&&, responder)>;

}  // namespace wrtc::http
