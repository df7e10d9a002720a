#pragma once
// What the WebSocket and SSE sessions share: following rooms with the room log's
// guarantees, and a bounded outgoing queue flushed in one gather write.
//
// Guarantees (API.md 1, 2, 4), per followed room:
// - Frames leave in seq order with no gap and no duplicate. A live event that is
//   not the next seq is held back while the missing ones are read from the store
//   (catch-up); the same path serves a resume from a client's last seq.
// - A resume point older than retention yields one `reset` frame, then the events
//   retention still holds.
// - Past max_queue_bytes of unsent output behind a write the socket has not taken
//   (or twice that in any case) the session is closed: the client reconnects with
//   its last seq and loses nothing.
// All of it runs on the session's shard thread; nothing here locks.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/channels.hpp"
#include "hub/frames.hpp"
#include "hub/shard.hpp"
#include "metrics/metrics.hpp"
#include "service/context.hpp"
#include "service/identity.hpp"
#include "transport/service.hpp"

namespace parley::transport {

class Streamer : public hub::Subscriber,
                 public hub::Drainable,
                 public std::enable_shared_from_this<Streamer> {
 public:
  ~Streamer() override;

  // hub::Subscriber
  void deliver(const hub::FramesPtr& frames) override;
  void flush() override;

 protected:
  Streamer(Services& s, hub::Shard& shard, hub::Format format, metrics::Transport transport,
           Identity who);

  // Starts following `room` from `after` (frames with seq > after follow), reading
  // what the store holds past it first. Idempotent per room (re-following restarts
  // from the new point).
  void follow(const std::string& room, chat::Seq after);
  void unfollow(const std::string& room);
  // Receives the transient notices of the user's own channel (bus/channels.hpp): no
  // log, no order to keep, nothing to catch up. Under SINGLE_SESSION this also ends
  // the user's older connections (service/sessions.hpp).
  void listen_user_channel();
  // Queues a frame for the next flush. Returns false if the queue passed its bound
  // and the session is being closed.
  bool enqueue(hub::FramePtr frame);
  // After the session queued output of its own (own_output_bytes()): closes it as
  // a slow subscriber if that passed the bound. Returns false if it did.
  bool within_bound();
  // Session teardown: leaves the hub and presence; safe to call twice.
  void detach();
  // Gives back the queues' memory when nothing is queued or being written; the
  // sessions call it from their tick, so a connection that went idle keeps none
  // while a busy one keeps its buffers between writes.
  void release_idle();

  // Starts writing `batch` (non-empty unless wants_write() asked for the write);
  // must call write_done() when it completes, which may be before it returns.
  virtual void write_batch(const std::vector<hub::FramePtr>& batch) = 0;
  // Output of the session's own outside the frame queue (WebSocket control
  // frames): makes flush() call write_batch() even with no frames queued.
  virtual bool wants_write() const { return false; }
  // The bytes of that output queued or being written. They count against
  // max_queue_bytes like frames do: a peer that makes the session answer (pings)
  // while it reads nothing must meet the same bound as one that is sent events.
  virtual std::size_t own_output_bytes() const { return 0; }
  // Closes the connection at once (slow subscriber or write error).
  virtual void abort() = 0;
  virtual hub::FramePtr encode_replayed(const chat::Event& e) = 0;
  virtual hub::FramePtr encode_reset(const std::string& room, chat::Seq earliest) = 0;
  virtual void on_store_error(const std::string& room, const chat::Error& e) = 0;
  // SINGLE_SESSION: a newer connection of the user opened. `notice` is the `kicked`
  // event in this session's format; the session sends it after what is queued and
  // then ends without inviting a reconnect. Runs inside the shard's delivery loop.
  // Nothing is delivered to the session after this.
  virtual void on_kicked(const hub::FramePtr& notice) = 0;
  void write_done(bool ok);

  // Stops all output: nothing more is queued or written (errors, a slow subscriber).
  void mark_closed();
  // The session's last words are queued: nothing more is delivered, replayed or
  // queued, but what is queued still goes out (the session ends once it has). Used
  // where the connection ends in order: shutdown, an expired token, a kick.
  void stop_delivery();
  bool delivery_stopped() const noexcept { return delivery_stopped_; }
  // How long a session ending in order may wait for its queue to go out (and a
  // WebSocket for the closing handshake) before the socket is just closed: a peer
  // that stops reading cannot hold the connection open.
  static constexpr std::chrono::seconds k_close_timeout{5};
  bool following(const std::string& room) const { return find_feed(room) != nullptr; }
  bool closed() const noexcept { return closed_; }
  bool kicked() const noexcept { return kicked_; }
  // Whether `frames` came on this session's user channel (listen_user_channel()).
  bool on_user_channel(const hub::FramesPtr& frames) const {
    return listening_ && bus::is_user_channel(frames->room, who_.user.id);
  }
  bool writing() const noexcept { return writing_; }
  std::size_t queued_bytes() const noexcept {
    return pending_bytes_ + inflight_bytes_ + own_output_bytes();
  }

  Services& s_;
  hub::Shard& shard_;
  Identity who_;

 private:
  struct Feed {
    std::string room;
    chat::Seq last = 0;
    std::uint32_t generation = 0;  // new on each follow: a stale catch-up stops
    bool catching_up = false;
    bool overflowed = false;
    // Live events held back while catching up; allocated only then.
    std::unique_ptr<std::vector<hub::FramesPtr>> held;
  };
  boost::asio::awaitable<void> catch_up(std::string room, std::uint32_t generation);
  void start_catch_up(Feed& feed);
  static void hold(Feed& feed, const hub::FramesPtr& frames);
  Feed* find_feed(std::string_view room);
  const Feed* find_feed(std::string_view room) const;
  void wake_catch_up();

  hub::Format format_;
  metrics::Transport transport_;
  // A plain vector: a session follows one room or a few, and an unordered_map with
  // its buckets and nodes cost ~350 bytes a connection (heaptrack, idle WebSockets).
  std::vector<Feed> feeds_;
  std::vector<hub::FramePtr> pending_;
  std::vector<hub::FramePtr> inflight_;
  std::size_t pending_bytes_ = 0;
  std::size_t inflight_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  bool attached_ = true;
  bool listening_ = false;  // to the user's channel
  bool kicked_ = false;
  bool delivery_stopped_ = false;
  std::uint64_t serial_ = 0;  // from next_session_serial(), once listening
  std::uint32_t generations_ = 0;
  // Catch-up waits here while the queue is full; made on the first wait, as most
  // sessions never wait (a timer is 120 bytes).
  std::unique_ptr<boost::asio::steady_timer> drained_;
};

}  // namespace parley::transport
