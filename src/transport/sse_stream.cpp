#include "transport/sse_stream.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "http/metrics.hpp"
#include "transport/encode.hpp"

namespace parley::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// Written once, before any event. Close-delimited (Connection: close, no length):
// the stream ends only when the connection does. X-Accel-Buffering stops nginx
// from holding events back.
constexpr std::string_view k_head =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream; charset=utf-8\r\n"
    "Cache-Control: no-cache\r\n"
    "Connection: close\r\n"
    "X-Accel-Buffering: no\r\n"
    "Server: parley\r\n"
    "\r\n"
    "retry: 3000\n\n";

}  // namespace

SseStream::SseStream(Services& s, hub::Shard& shard, hub::Format format, Identity who,
                     beast::tcp_stream stream)
    : Streamer(s, shard, format, http::Transport::sse, std::move(who)),
      stream_(std::move(stream)),
      ping_(shard.context()) {}

void SseStream::open() {
  stream_.expires_never();
  static const auto head = hub::make_frame(std::string(k_head));
  enqueue(head);
  asio::co_spawn(shard_.context(), watch_peer(), asio::detached);
  asio::co_spawn(shard_.context(), keep_alive(), asio::detached);
}

// The client never sends after its request; a read completes only when it goes
// away, which is how a closed tab is noticed without waiting for a write.
asio::awaitable<void> SseStream::watch_peer() {
  auto self = shared_from_this();
  char sink[256];
  boost::system::error_code ec;
  while (!ec) {
    co_await stream_.socket().async_read_some(asio::buffer(sink),
                                              asio::redirect_error(asio::use_awaitable, ec));
  }
  finish();
}

asio::awaitable<void> SseStream::keep_alive() {
  auto self = shared_from_this();
  static const auto ping = hub::make_frame(": ping\n\n");
  while (!closed()) {
    ping_.expires_after(s_.options.sse_ping);
    boost::system::error_code ec;
    co_await ping_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || closed()) break;
    enqueue(ping);
  }
}

void SseStream::finish() {
  if (finished_) return;
  finished_ = true;
  on_finish();
  mark_closed();
  detach();
  ping_.cancel();
  s_.metrics.connection_closed(http::Transport::sse);
  beast::error_code ignored;
  stream_.socket().shutdown(asio::socket_base::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

void SseStream::write_batch(const std::vector<hub::FramePtr>& batch) {
  buffers_.clear();
  buffers_.reserve(batch.size());
  for (const auto& f : batch) buffers_.emplace_back(f->data(), f->size());
  asio::async_write(stream_.socket(), buffers_,
                    [self = shared_from_this(), this](beast::error_code ec, std::size_t) {
                      write_done(!ec);
                      if (ec || close_after_write_) finish();
                    });
}

void SseStream::abort() {
  beast::error_code ignored;
  stream_.socket().shutdown(asio::socket_base::shutdown_both, ignored);
  stream_.socket().cancel(ignored);
}

void SseStream::drain() {
  // Shutdown: ask the browser to come back in a second, then end the stream.
  static const auto retry = hub::make_frame("retry: 1000\n\n");
  if (closed()) return;
  enqueue(retry);
  close_after_write_ = true;
  flush();
  mark_closed();
  if (!writing()) finish();
}

hub::FramePtr SseStream::encode_reset(const std::string&, chat::Seq earliest) {
  return encode_reset_sse(earliest);
}

}  // namespace parley::transport
