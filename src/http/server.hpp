#pragma once
// The HTTP server: a listener that spreads accepted connections over the hub's
// shards round-robin, one coroutine per connection for HTTP/1.1 keep-alive, and
// the hand-over of upgraded connections to the WebSocket and SSE sessions.
//
// Threads: run() starts one thread per shard and returns when the server has
// drained after stop() or SIGTERM/SIGINT: the listener closes, WebSockets get
// 1001, SSE streams get a short `retry:`, the store is flushed.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hub/hub.hpp"
#include "transport/rest/rest.hpp"

namespace parley::transport {}

namespace parley::metrics {
class Metrics;
}

namespace parley::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::seconds idle_timeout{60};
  std::int64_t max_connections = 10000;
  std::chrono::seconds shutdown_grace{5};
};

class Server {
 public:
  // `pages` are extra routes (web pages); they are matched after the API's.
  Server(ServerOptions options, service::Services& services, hub::Hub& hub,
         std::vector<transport::rest::Route> pages);
  ~Server();

  // Binds and listens; returns the port (the real one when options.port is 0).
  std::uint16_t listen();
  // Serves until drained (see above). Call listen() first.
  void run();
  // Asks a running server to drain and stop; safe from any thread.
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::http
