#pragma once
// What every Server-Sent Events session shares: the response head with `retry:`,
// close-delimited streaming of queued frames in one gather write, a `: ping`
// comment every SSE_PING_SECONDS, noticing the client leave, and on shutdown a short
// `retry:` before the stream ends so the browser comes back soon. A stream opened
// with a token ends when the token expires. Subclasses decide
// what to stream (a room's log, a user's feed). Lives on one shard.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "transport/io/polled_socket.hpp"
#include "transport/io/socket_writer.hpp"
#include "transport/service.hpp"
#include "transport/streamer.hpp"

namespace parley::transport {

class SseStream : public Streamer, public hub::Tickable, public PolledSocket {
 protected:
  SseStream(Services& s, hub::Shard& shard, hub::Format format, Identity who,
            boost::beast::tcp_stream stream);

  // Sends the head and starts the keep-alive and the watch for the client leaving.
  void open();
  // hub::Tickable: the `: ping` keep-alive, the end of a stream whose token expired
  // (a `: token expired` comment, then the connection closes), and the close of a
  // stream whose ending waited k_close_timeout for a client that stopped reading.
  void tick(std::chrono::steady_clock::time_point now) override;
  // Ends the stream and the connection; safe to call twice.
  void finish();
  // Runs first thing in finish(): a subclass lets go of what it holds.
  virtual void on_finish() {}

  hub::FramePtr encode_reset(const std::string& room, chat::Seq earliest) override;
  // The stream can't report an error in-band; ending it makes the browser retry from
  // its Last-Event-ID, which loses nothing.
  void on_store_error(const std::string&, const chat::Error&) override { finish(); }
  // SINGLE_SESSION: a long `retry:`, the `kicked` event, then the stream ends.
  void on_kicked(const hub::FramePtr& notice) override;

 private:
  void on_readable() override;
  void on_writable() override;
  void write_batch(const std::vector<hub::FramePtr>& batch) override;
  void continue_write();
  void abort() override;
  void drain() override;
  // Nothing more is delivered; the stream ends once what is queued has gone out, or
  // k_close_timeout from now (tick()) if the client has stopped reading.
  void end_after_queue();
  // Queues `last`, lets what is queued go out, then ends the stream (without
  // dropping events already queued, which the client would otherwise fetch again).
  void end_with(const hub::FramePtr& last);

  // The session keeps no timers of its own (the shard's tick pings) and no read
  // buffer (the peer is watched through the shard's poller).
  SocketWriter writer_;
  std::chrono::steady_clock::time_point last_ping_{};
  std::chrono::steady_clock::time_point ending_since_{};  // set by end_after_queue()
  bool close_after_write_ = false;
  bool finished_ = false;
};

}  // namespace parley::transport
