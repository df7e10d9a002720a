#pragma once
// Internal to http/: the server's state shared by the listener and the sessions.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <optional>
#include <thread>

#include "http/router.hpp"
#include "http/server.hpp"
#include "transport/service.hpp"

namespace parley::http {

enum class RouteKind { handler, websocket, sse_json, sse_html, user_stream, stream };

struct RouteTarget {
  RouteKind kind = RouteKind::handler;
  transport::rest::Access access = transport::rest::Access::public_route;
  transport::rest::Handler handler;
  transport::rest::StreamStart stream = {};  // RouteKind::stream
};

struct Server::Impl {
  Impl(ServerOptions o, service::Services& c, hub::Hub& h);

  ServerOptions options;
  service::Services& services;
  hub::Hub& hub;
  metrics::Metrics& metrics;
  Router<RouteTarget> router;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor;
  std::optional<boost::asio::signal_set> signals;
  std::optional<boost::asio::steady_timer> drain_timer;
  std::atomic<bool> stopping{false};
  // Requests read and not yet answered (REST and pages): drain waits for them, so a
  // request waiting on the store when SIGTERM comes still gets its response.
  std::atomic<std::int64_t> requests_in_flight{0};
  std::size_t next_shard = 0;
  std::vector<std::thread> threads;

  std::int64_t open_connections() const;
  boost::asio::awaitable<void> accept_loop();
  void begin_drain();
  void finish_drain(std::chrono::steady_clock::time_point deadline);
};

// One HTTP/1.1 connection: reads requests until the peer closes, the idle
// timeout passes, or the connection is handed to a WebSocket or SSE session.
boost::asio::awaitable<void> serve_http(Server::Impl& server, hub::Shard& shard,
                                        boost::beast::tcp_stream stream);

}  // namespace parley::http
