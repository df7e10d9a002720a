#include "transport/sse_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "transport/chat_service.hpp"
#include "transport/encode.hpp"
#include "transport/store_call.hpp"
#include "transport/streamer.hpp"
#include "transport/user_channel.hpp"

namespace parley::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;

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

class SseSession : public Streamer {
 public:
  SseSession(ChatService& chat, hub::Shard& shard, beast::tcp_stream stream, hub::Format format,
             Identity who)
      : Streamer(chat.services(), shard, format, http::Transport::sse, std::move(who)),
        stream_(std::move(stream)),
        ping_(shard.context()),
        format_(format) {}

  // Follows `room` from `after`, or, without a room, listens to the user's channel.
  void start(const std::optional<chat::RoomId>& room, chat::Seq after) {
    stream_.expires_never();
    static const auto head = hub::make_frame(std::string(k_head));
    enqueue(head);
    if (room) {
      follow(*room, after);
    } else {
      listen(user_channel(who_.user.id));
    }
    asio::co_spawn(shard_.context(), watch_peer(), asio::detached);
    asio::co_spawn(shard_.context(), keep_alive(), asio::detached);
  }

 protected:
  // The client never sends after its request; a read completes only when it
  // goes away, which is how a closed tab is noticed without waiting for a write.
  asio::awaitable<void> watch_peer() {
    auto self = shared_from_this();
    char sink[256];
    boost::system::error_code ec;
    while (!ec) {
      co_await stream_.socket().async_read_some(asio::buffer(sink),
                                                asio::redirect_error(asio::use_awaitable, ec));
    }
    finish();
  }

  asio::awaitable<void> keep_alive() {
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

  virtual void finish() {
    if (finished_) return;
    finished_ = true;
    mark_closed();
    detach();
    ping_.cancel();
    s_.metrics.connection_closed(http::Transport::sse);
    beast::error_code ignored;
    stream_.socket().shutdown(asio::socket_base::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  void write_batch(const std::vector<hub::FramePtr>& batch) override {
    buffers_.clear();
    buffers_.reserve(batch.size());
    for (const auto& f : batch) buffers_.emplace_back(f->data(), f->size());
    asio::async_write(stream_.socket(), buffers_,
                      [self = shared_from_this(), this](beast::error_code ec, std::size_t) {
                        write_done(!ec);
                        if (ec) finish();
                        if (!ec && close_after_write_) finish();
                      });
  }

  void abort() override {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::socket_base::shutdown_both, ignored);
    stream_.socket().cancel(ignored);
  }

  void drain() override {
    // Shutdown: ask the browser to come back in a second, then end the stream.
    static const auto retry = hub::make_frame("retry: 1000\n\n");
    if (closed()) return;
    enqueue(retry);
    close_after_write_ = true;
    flush();
    mark_closed();
    if (!writing()) finish();
  }

  hub::FramePtr encode_replayed(const chat::Event& e) override {
    return encode_event(e, format_ == hub::Format::sse_html ? s_.render_html : nullptr)
        ->get(format_);
  }
  hub::FramePtr encode_reset(const std::string&, chat::Seq earliest) override {
    return encode_reset_sse(earliest);
  }
  void on_store_error(const std::string&, const chat::Error&) override {
    // The stream can't report an error in-band; ending it makes the browser retry
    // from its Last-Event-ID, which loses nothing.
    finish();
  }

  beast::tcp_stream stream_;
  asio::steady_timer ping_;
  hub::Format format_;
  std::vector<asio::const_buffer> buffers_;
  bool close_after_write_ = false;
  bool finished_ = false;
};

}  // namespace

void start_user_stream(ChatService& chat, hub::Shard& shard, beast::tcp_stream stream,
                       Identity who) {
  auto session = std::make_shared<SseSession>(chat, shard, std::move(stream), hub::Format::sse_json,
                                              std::move(who));
  session->start(std::nullopt, 0);
}

void start_sse_session(ChatService& chat, hub::Shard& shard, beast::tcp_stream stream,
                       chat::RoomId room, chat::Seq after, hub::Format format, Identity who) {
  auto session =
      std::make_shared<SseSession>(chat, shard, std::move(stream), format, std::move(who));
  session->start(room, after);
}

}  // namespace parley::transport
