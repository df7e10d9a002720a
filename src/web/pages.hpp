#pragma once
// The web app's routes: pages (login, rooms, random chat), the form posts the pages make,
// invites, static files, and the operator endpoints /health and /metrics.
#include <string>
#include <vector>

#include "transport/rest/rest.hpp"

namespace parley::transport {}

namespace parley::web {

struct WebOptions {
  std::string static_dir;  // STATIC_DIR; empty: static/ beside the binary
};

std::vector<transport::rest::Route> page_routes(service::Services& services,
                                                const WebOptions& options = {});

}  // namespace parley::web
