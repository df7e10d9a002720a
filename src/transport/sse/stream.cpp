#include "transport/sse/stream.hpp"

#include <sys/socket.h>

#include <boost/asio/post.hpp>

#include "metrics/metrics.hpp"
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
    : Streamer(s, shard, format, metrics::Transport::sse, std::move(who)),
      PolledSocket(stream.release_socket()) {}

void SseStream::open() {
  if (!watch(shard_.context(), shared_from_this())) return finish();
  static const auto head = hub::make_frame(std::string(k_head));
  enqueue(head);
  last_ping_ = std::chrono::steady_clock::now();
  shard_.add_tickable(this);
  wait_read();
}

// The client never sends after its request; the socket turns readable only when it
// goes away (or misbehaves), which is how a closed tab is noticed without waiting
// for a write.
void SseStream::on_readable() {
  char sink[512];
  std::size_t n = 0;
  const Read r = read_some(sink, n);
  if (r == Read::eof || r == Read::error) return finish();
  wait_read();  // would_block, or bytes after the request: ignored
}

void SseStream::tick(std::chrono::steady_clock::time_point now) {
  static const auto ping = hub::make_frame(": ping\n\n");
  if (!writing()) {
    release_idle();
    writer_.release();
  }
  if (closed()) return;
  if (delivery_stopped()) {
    // Ending in order (end_with, a kick): bounded, as a WebSocket's close is.
    if (now - ending_since_ >= k_close_timeout) finish();
    return;
  }
  if (who_.expires_at_s > 0 && now_ms() / 1000 >= who_.expires_at_s) {
    // A token's identity ends at its expiry, and so does the stream it opened: the
    // browser's retry with the same URL gets 401, so the client must sign in again.
    static const auto expired = hub::make_frame(": token expired\n\n");
    end_with(expired);
    return;
  }
  if (now - last_ping_ < s_.options.sse_ping) return;
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
  s_.metrics.connection_closed(metrics::Transport::sse);
  shutdown(SHUT_RDWR);
  close();
}

void SseStream::write_batch(const std::vector<hub::FramePtr>& batch) {
  for (const auto& f : batch) writer_.add(*f);
  continue_write();
}

void SseStream::continue_write() {
  const auto status = writer_.send(fd());
  if (status == SocketWriter::Status::pending) return wait_write();
  const bool ok = status == SocketWriter::Status::done;
  writer_.reset();
  write_done(ok);
  // Ending after a write: only once what was queued behind it is out too.
  if (!ok || (close_after_write_ && queued_bytes() == 0)) finish();
}

void SseStream::on_writable() {
  continue_write();
}

void SseStream::abort() {
  // Not finish() here: this can run inside the shard's delivery loop, which must
  // not see its tables change. The socket goes now; the rest right after.
  shutdown(SHUT_RDWR);
  asio::post(shard_.context(), [self = shared_from_this(), this] { finish(); });
}

void SseStream::drain() {
  // Shutdown: ask the browser to come back in a second, then end the stream.
  static const auto retry = hub::make_frame("retry: 1000\n\n");
  if (closed() || delivery_stopped()) return;
  end_with(retry);
}

void SseStream::end_after_queue() {
  stop_delivery();
  ending_since_ = std::chrono::steady_clock::now();
  close_after_write_ = true;  // continue_write() ends the stream once the queue is out
}

void SseStream::end_with(const hub::FramePtr& last) {
  enqueue(last);
  end_after_queue();
  flush();
  if (!writing()) finish();
}

void SseStream::on_kicked(const hub::FramePtr& notice) {
  // An EventSource reconnects whenever its stream ends, `retry` ms later: one that
  // does not handle `kicked` (API.md notes: close it) would come back at once and
  // kick the newer connection in turn, and the two would take turns forever. An
  // hour's retry turns that into one reconnect an hour; a client that handles
  // `kicked` never sees it.
  static const auto no_retry = hub::make_frame("retry: 3600000\n\n");
  if (closed() || delivery_stopped()) return;
  enqueue(no_retry);
  enqueue(notice);
  // Not end_with(): this runs inside the shard's delivery loop, which flushes later.
  end_after_queue();
}

hub::FramePtr SseStream::encode_reset(const std::string&, chat::Seq earliest) {
  return encode_reset_sse(earliest);
}

}  // namespace parley::transport
