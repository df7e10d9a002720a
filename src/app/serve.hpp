#pragma once
// `parley serve`: wires the store, hub, transports and HTTP server from a Config
// and runs until drained. Returns the process exit code.
#include "app/config.hpp"

namespace parley::app {

int serve(const Config& config);

}  // namespace parley::app
