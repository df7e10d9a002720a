#include "store/sqlite/retention.hpp"

#include <pthread.h>

#include <utility>
#include <vector>

#include "store/sqlite/log_writer.hpp"

namespace parley::store::sqlite {

namespace {

struct RoomCut {
  chat::Seq last_old = 0;  // delete seq <= this; 0: nothing
  bool more = false;       // the budget ended before the room's old events did
};

// The end of the room's prefix of old events, looking at no more than `limit` of them.
RoomCut old_prefix(Connection& db, const chat::RoomId& room, chat::TimeMs cutoff,
                   std::int64_t limit) {
  RoomCut cut;
  std::int64_t seen = 0;
  Query q = db.query("SELECT seq, created_at FROM events WHERE room_id = ?1 ORDER BY seq LIMIT ?2",
                     room, limit + 1);
  while (q.next()) {
    if (q.int64(1) >= cutoff) return cut;
    if (++seen > limit) {
      cut.more = true;
      return cut;
    }
    cut.last_old = q.int64(0);
  }
  return cut;
}

}  // namespace

RetentionBatch prune_batch(Connection& db, const chat::RoomId& resume_from, chat::TimeMs cutoff,
                           RetentionBudget budget) {
  std::vector<std::pair<chat::RoomId, chat::RoomKind>> rooms;
  {
    Query q = db.query("SELECT id, kind FROM rooms WHERE id >= ?1 ORDER BY id LIMIT ?2",
                       resume_from, budget.rooms + 1);
    while (q.next()) {
      rooms.emplace_back(q.text(0),
                         chat::parse_room_kind(q.text(1)).value_or(chat::RoomKind::group));
    }
  }
  RetentionBatch batch;
  const bool last_rooms = rooms.size() <= static_cast<std::size_t>(budget.rooms);
  if (!last_rooms) {
    batch.resume_from = rooms.back().first;
    rooms.pop_back();
  }
  for (const auto& [room, kind] : rooms) {
    const std::int64_t left = budget.events - batch.removed;
    const RoomCut cut = old_prefix(db, room, cutoff, left);
    const chat::Seq last = retention_bound(db, room, kind, cut.last_old);
    if (last > 0) {
      batch.removed += db.exec("DELETE FROM events WHERE room_id = ?1 AND seq <= ?2", room, last);
      db.exec("DELETE FROM reactions WHERE room_id = ?1 AND target_seq <= ?2", room, last);
    }
    if (cut.more) {  // out of budget inside this room: go on from it next time
      batch.resume_from = room;
      return batch;
    }
  }
  batch.finished = last_rooms;
  return batch;
}

RetentionTimer::RetentionTimer(std::chrono::milliseconds interval, std::function<void()> sweep)
    : interval_(interval), sweep_(std::move(sweep)) {
  thread_ = std::thread([this] { loop(); });
}

RetentionTimer::~RetentionTimer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void RetentionTimer::loop() {
  pthread_setname_np(pthread_self(), "parley-retain");
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    sweep_();
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace parley::store::sqlite
