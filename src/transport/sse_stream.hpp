#pragma once
// What every Server-Sent Events session shares: the response head with `retry:`,
// close-delimited streaming of queued frames in one gather write, a `: ping`
// comment every SSE_PING_SECONDS, noticing the client leave, and on shutdown a short
// `retry:` before the stream ends so the browser comes back soon. Subclasses decide
// what to stream (a room's log, a user's feed). Lives on one shard.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "transport/streamer.hpp"

namespace parley::transport {

class SseStream : public Streamer {
 protected:
  SseStream(Services& s, hub::Shard& shard, hub::Format format, Identity who,
            boost::beast::tcp_stream stream);

  // Sends the head and starts the keep-alive and the watch for the client leaving.
  void open();
  // Ends the stream and the connection; safe to call twice.
  void finish();
  // Runs first thing in finish(): a subclass lets go of what it holds.
  virtual void on_finish() {}

  hub::FramePtr encode_reset(const std::string& room, chat::Seq earliest) override;
  // The stream can't report an error in-band; ending it makes the browser retry from
  // its Last-Event-ID, which loses nothing.
  void on_store_error(const std::string&, const chat::Error&) override { finish(); }

 private:
  boost::asio::awaitable<void> watch_peer();
  boost::asio::awaitable<void> keep_alive();
  void write_batch(const std::vector<hub::FramePtr>& batch) override;
  void abort() override;
  void drain() override;

  boost::beast::tcp_stream stream_;
  boost::asio::steady_timer ping_;
  std::vector<boost::asio::const_buffer> buffers_;
  bool close_after_write_ = false;
  bool finished_ = false;
};

}  // namespace parley::transport
