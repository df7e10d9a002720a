#pragma once
// The server-rendered pages: for now the plain login page, the landing page,
// /logout, and the operator endpoints /health and /metrics.
#include <vector>

#include "transport/rest/rest.hpp"

namespace parley::transport {
class ChatService;
}

namespace parley::web {

std::vector<transport::rest::Route> page_routes(transport::ChatService& chat);

}  // namespace parley::web
