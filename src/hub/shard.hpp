#pragma once
// One shard: an io_context run by one thread, with that thread's table of
// room -> subscribers and its flush schedule. Everything here is touched only by
// the shard's own thread, so none of it locks.
//
// Flushing on purpose (DESIGN.md "Threads and the hot path"): delivering an event
// only queues it on each subscriber and marks the subscriber dirty; the shard
// flushes dirty subscribers in sweeps. While sweeps are cheap (recent ones took less
// than half a flush window) the next one starts at once: a small room's event costs
// the latency of one write. Once a sweep costs more, the next waits one window, so
// a busy shard gathers at least a window's events into one write per subscriber:
// what lets loopback fan-out reach millions of deliveries/s (docs/PERFORMANCE.md
// findings 6 and 8).
//
// A flush of a wide room is a sweep of thousands of writes (~7 us each on the VMs we
// measure on, so ~35 ms for 5,000 subscribers). It runs in slices with the
// io_context's other work between them: a publisher's send is read, and an event
// reaching the shard mid-sweep joins the sweep for every subscriber not yet written,
// instead of both waiting for the sweep's end (docs/PERFORMANCE.md finding 8).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "hub/frames.hpp"
#include "hub/subscriber.hpp"

namespace parley::hub {

// Something the shard must close on shutdown (a WebSocket or SSE session).
class Drainable {
 public:
  virtual ~Drainable() = default;
  virtual void drain() = 0;
};

// Something the shard visits about once a second (keep-alive pings, idle and expiry
// deadlines): one timer per shard rather than one per connection, which an idle
// connection would otherwise carry (docs/PERFORMANCE.md finding 5).
class Tickable {
 public:
  virtual ~Tickable() = default;
  virtual void tick(std::chrono::steady_clock::time_point now) = 0;
};

class Shard {
 public:
  Shard(std::size_t index, std::chrono::microseconds flush_window);
  // Destroys the io_context (and with it every pending handler and the sessions
  // they keep alive) while the tables those sessions unregister from still exist.
  ~Shard();
  // The same, early: destroys the io_context and every session it holds. Call once
  // the shard's thread has stopped and before what sessions use goes away.
  void close();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  boost::asio::io_context& context() noexcept { return *io_; }
  std::size_t index() const noexcept { return index_; }

  void subscribe(const std::string& room, Subscriber* s);
  void unsubscribe(const std::string& room, Subscriber* s);
  std::size_t subscribers(const std::string& room) const;

  // Delivers to every local subscriber of frames->room and schedules a flush.
  void deliver(const FramesPtr& frames);
  // Marks one subscriber as having queued output (acks, errors, replays).
  void mark_dirty(Subscriber* s);
  // A subscriber that is going away: drops it from every table and the dirty list.
  void forget(Subscriber* s, const std::vector<std::string>& rooms);

  void add_drainable(Drainable* d) { drainables_.insert(d); }
  void remove_drainable(Drainable* d) { drainables_.erase(d); }
  // Shutdown: asks every registered session to close politely.
  void drain_all();

  void add_tickable(Tickable* t);
  void remove_tickable(Tickable* t) { tickables_.erase(t); }
  static constexpr std::chrono::seconds tick_period{1};

 private:
  void schedule_flush();
  void flush_now();
  void continue_sweep();
  void arm_tick();
  void tick_all();

  std::size_t index_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::chrono::microseconds window_;
  std::optional<boost::asio::steady_timer> timer_;
  bool flush_scheduled_ = false;
  std::chrono::steady_clock::time_point sweep_started_{};
  // What recent sweeps took, start to end with the gaps between slices.
  std::chrono::steady_clock::duration sweep_cost_{};
  // Writes per slice of a sweep: ~1 ms of system calls, the most another
  // connection's input waits behind the sweep.
  static constexpr std::size_t k_sweep_slice = 128;
  std::unordered_map<std::string, std::vector<Subscriber*>> rooms_;
  std::vector<Subscriber*> dirty_;
  // The sweep in progress: subscribers from sweep_next_ on are still to be written
  // and keep flush_pending_ set, so what reaches them meanwhile rides this sweep.
  std::vector<Subscriber*> sweep_;
  std::size_t sweep_next_ = 0;
  std::unordered_set<Drainable*> drainables_;
  std::unordered_set<Tickable*> tickables_;
  std::optional<boost::asio::steady_timer> tick_timer_;
  bool ticking_ = false;
};

}  // namespace parley::hub
