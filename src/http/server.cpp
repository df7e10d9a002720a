#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "http/server_impl.hpp"
#include "metrics/metrics.hpp"

namespace parley::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

Server::Impl::Impl(ServerOptions o, service::Services& c, hub::Hub& h)
    : options(std::move(o)), services(c), hub(h), metrics(c.metrics) {}

std::int64_t Server::Impl::open_connections() const {
  return metrics.connections_open(metrics::Transport::http) +
         metrics.connections_open(metrics::Transport::sse) +
         metrics.connections_open(metrics::Transport::ws);
}

Server::Server(ServerOptions options, service::Services& services, hub::Hub& hub,
               std::vector<transport::rest::Route> pages)
    : impl_(std::make_unique<Impl>(std::move(options), services, hub)) {
  using transport::rest::Access;
  namespace bh = beast::http;
  auto& r = impl_->router;
  r.add(bh::verb::get, "/api/ws", {RouteKind::websocket, Access::user, {}});
  r.add(bh::verb::get, "/api/rooms/{id}/events", {RouteKind::sse_json, Access::user, {}});
  r.add(bh::verb::get, "/rooms/{id}/events", {RouteKind::sse_html, Access::page, {}});
  r.add(bh::verb::get, "/api/events", {RouteKind::user_stream, Access::user, {}});
  auto add = [&r](transport::rest::Route& route) {
    const auto kind = route.stream ? RouteKind::stream : RouteKind::handler;
    r.add(route.method, route.pattern,
          {kind, route.access, std::move(route.handler), std::move(route.stream)});
  };
  for (auto& route : transport::rest::routes(services)) add(route);
  for (auto& route : pages) add(route);
}

Server::~Server() {
  stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

std::uint16_t Server::listen() {
  auto& shard0 = impl_->hub.shard(0).context();
  tcp::endpoint ep(asio::ip::make_address(impl_->options.host), impl_->options.port);
  impl_->acceptor.emplace(shard0);
  impl_->acceptor->open(ep.protocol());
  impl_->acceptor->set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor->bind(ep);
  impl_->acceptor->listen(asio::socket_base::max_listen_connections);
  return impl_->acceptor->local_endpoint().port();
}

asio::awaitable<void> Server::Impl::accept_loop() {
  while (!stopping) {
    // Connections are pinned round-robin: the socket is created on the chosen
    // shard's io_context, so all its work runs on that shard's thread.
    auto& shard = hub.shard(next_shard++ % hub.size());
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor->async_accept(
        shard.context(), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Out of descriptors and the like: log, breathe, go on accepting.
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    if (open_connections() >= options.max_connections) {
      // Over the cap (API.md): a plain 503 and close; connections already open are
      // untouched. Sent from the accepting thread: it is one small write.
      metrics.connection_rejected();
      static constexpr std::string_view k_busy =
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
          "Connection: close\r\nRetry-After: 1\r\nContent-Length: 70\r\n\r\n"
          R"({"code":503,"message":"server is at its connection limit","data":null})";
      asio::write(socket, asio::buffer(k_busy), ec);
      socket.shutdown(tcp::socket::shutdown_both, ec);
      socket.close(ec);
      continue;
    }
    metrics.connection_opened(metrics::Transport::http);
    asio::co_spawn(shard.context(), serve_http(*this, shard, beast::tcp_stream(std::move(socket))),
                   asio::detached);
  }
}

void Server::Impl::begin_drain() {
  if (stopping.exchange(true)) return;
  spdlog::info("draining: closing the listener and {} connections", open_connections());
  asio::post(hub.shard(0).context(), [this] {
    boost::system::error_code ec;
    if (acceptor) acceptor->close(ec);
    if (signals) signals->cancel(ec);
  });
  for (std::size_t i = 0; i < hub.size(); ++i) {
    auto& shard = hub.shard(i);
    asio::post(shard.context(), [&shard] { shard.drain_all(); });
  }
  auto deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
  asio::post(hub.shard(0).context(), [this, deadline] { finish_drain(deadline); });
}

void Server::Impl::finish_drain(std::chrono::steady_clock::time_point deadline) {
  // Wait for streams to say goodbye (close frames, last `retry:`) and for requests
  // already read to be answered (one may be waiting on the store), up to the grace
  // period; then stop. Polling every 20 ms costs nothing at shutdown.
  const auto busy = metrics.connections_open(metrics::Transport::sse) +
                    metrics.connections_open(metrics::Transport::ws) + requests_in_flight.load();
  if (busy > 0 && std::chrono::steady_clock::now() < deadline) {
    drain_timer.emplace(hub.shard(0).context(), std::chrono::milliseconds(20));
    drain_timer->async_wait(
        [this, deadline](boost::system::error_code) { finish_drain(deadline); });
    return;
  }
  services.flush();
  for (std::size_t i = 0; i < hub.size(); ++i) hub.shard(i).context().stop();
}

void Server::run() {
  auto& im = *impl_;
  auto& shard0 = im.hub.shard(0).context();
  im.signals.emplace(shard0, SIGINT, SIGTERM);
  im.signals->async_wait([&im](boost::system::error_code ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", sig);
    im.begin_drain();
  });
  asio::co_spawn(shard0, im.accept_loop(), asio::detached);
  for (std::size_t i = 1; i < im.hub.size(); ++i) {
    auto& ctx = im.hub.shard(i).context();
    im.threads.emplace_back([&ctx] {
      auto guard = asio::make_work_guard(ctx);
      ctx.run();
    });
  }
  {
    auto guard = asio::make_work_guard(shard0);
    shard0.run();
  }
  for (auto& t : im.threads) t.join();
  im.threads.clear();
  // I/O objects of shard 0 go before the shards' io_contexts do (Hub::close).
  im.drain_timer.reset();
  im.signals.reset();
  im.acceptor.reset();
}

void Server::stop() {
  if (impl_) impl_->begin_drain();
}

}  // namespace parley::http
