#pragma once
// Retention by age (chat::Limits::retention_days) for the SQLite store: the sweep
// that removes each room's old events, cut into batches the writer runs as ordinary
// tasks, and the thread that starts a sweep at open and then periodically.
//
// Why batches: the writer commits every queued task in one group, so one task that
// deleted a year of a busy room would hold up every ack behind it. A batch looks at
// a bounded number of rooms and deletes a bounded number of events (a few ms), and
// the next batch is queued only when this one has committed, so appends get in
// between.
//
// Why no index on created_at: a room's log is in seq order and seq order is commit
// order, so its old events are a prefix of the (room_id, seq) key. A batch walks
// that key from the front and stops at the first event that is not old enough:
// nothing is added to every append's cost.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "chat/types.hpp"
#include "store/sqlite/connection.hpp"

namespace parley::store::sqlite {

struct RetentionBatch {
  std::int64_t removed = 0;  // events deleted by this batch
  bool finished = false;     // every room has been looked at
  chat::RoomId resume_from;  // where the next batch starts (rooms with id >= it)
};

struct RetentionBudget {
  int rooms = 256;    // rooms looked at per batch
  int events = 2000;  // events deleted per batch
};

// One batch of a sweep: rooms from `resume_from` (inclusive, "" = the first) in id
// order; in each, deletes the events created before `cutoff` that come before the
// first event that is not, and the reactions to them. Writer thread only.
RetentionBatch prune_batch(Connection& db, const chat::RoomId& resume_from, chat::TimeMs cutoff,
                           RetentionBudget budget = {});

// Calls `sweep` on its own thread at start and then every `interval`, until destroyed.
// `sweep` only starts the work (queues the first batch) and returns.
class RetentionTimer {
 public:
  RetentionTimer(std::chrono::milliseconds interval, std::function<void()> sweep);
  RetentionTimer(const RetentionTimer&) = delete;
  RetentionTimer& operator=(const RetentionTimer&) = delete;
  ~RetentionTimer();

 private:
  void loop();

  std::chrono::milliseconds interval_;
  std::function<void()> sweep_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parley::store::sqlite
