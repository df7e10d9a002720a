#include "transport/sse_stream.hpp"

#include <boost/asio/post.hpp>

#include "http/metrics.hpp"
#include "transport/encode.hpp"
#include "transport/exact_alloc.hpp"

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
      socket_(adopt_socket(stream.release_socket(), shard.context())) {}

void SseStream::open() {
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
  if (!ec) socket_.native_non_blocking(true, ec);
  if (ec) return finish();
  static const auto head = hub::make_frame(std::string(k_head));
  enqueue(head);
  last_ping_ = std::chrono::steady_clock::now();
  shard_.add_tickable(this);
  watch_peer();
}

// The client never sends after its request; the socket turns readable only when it
// goes away (or misbehaves), which is how a closed tab is noticed without waiting
// for a write.
void SseStream::watch_peer() {
  socket_.async_wait(Socket::wait_read,
                     exact_alloc([self = shared_from_this(), this](boost::system::error_code ec) {
                       if (ec) return finish();
                       char sink[512];
                       const std::size_t n = socket_.read_some(asio::buffer(sink), ec);
                       if (ec == asio::error::would_block) return watch_peer();
                       if (ec || n == 0) return finish();
                       watch_peer();  // bytes after the request: ignored
                     }));
}

void SseStream::tick(std::chrono::steady_clock::time_point now) {
  static const auto ping = hub::make_frame(": ping\n\n");
  if (!writing()) {
    release_idle();
    writer_.release();
  }
  if (closed() || now - last_ping_ < s_.options.sse_ping) return;
  last_ping_ = now;
  enqueue(ping);
}

void SseStream::finish() {
  if (finished_) return;
  finished_ = true;
  on_finish();
  mark_closed();
  detach();
  shard_.remove_tickable(this);
  s_.metrics.connection_closed(http::Transport::sse);
  beast::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_both, ignored);
  socket_.close(ignored);
}

void SseStream::write_batch(const std::vector<hub::FramePtr>& batch) {
  for (const auto& f : batch) writer_.add(*f);
  continue_write();
}

void SseStream::continue_write() {
  writer_.send_all(socket_, shared_from_this(), [this](bool ok) {
    writer_.reset();
    write_done(ok);
    if (!ok || close_after_write_) finish();
  });
}

void SseStream::abort() {
  // Not finish() here: this can run inside the shard's delivery loop, which must
  // not see its tables change. The socket goes now; the rest right after.
  beast::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_both, ignored);
  asio::post(shard_.context(), [self = shared_from_this(), this] { finish(); });
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
