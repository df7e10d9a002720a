#include "hub/shard.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

namespace parley::hub {

Shard::Shard(std::size_t index, std::chrono::microseconds flush_window)
    : index_(index),
      io_(std::make_unique<boost::asio::io_context>(1)),
      window_(flush_window),
      timer_(std::in_place, *io_),
      tick_timer_(std::in_place, *io_) {}

Shard::~Shard() {
  close();
}

void Shard::close() {
  timer_.reset();
  tick_timer_.reset();
  io_.reset();
}

void Shard::subscribe(const std::string& room, Subscriber* s) {
  auto& list = rooms_[room];
  if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
}

void Shard::unsubscribe(const std::string& room, Subscriber* s) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  auto& list = it->second;
  // Swap-and-pop: order among subscribers carries no meaning.
  auto pos = std::find(list.begin(), list.end(), s);
  if (pos != list.end()) {
    *pos = list.back();
    list.pop_back();
  }
  if (list.empty()) rooms_.erase(it);
}

std::size_t Shard::subscribers(const std::string& room) const {
  auto it = rooms_.find(room);
  return it == rooms_.end() ? 0 : it->second.size();
}

void Shard::deliver(const FramesPtr& frames) {
  auto it = rooms_.find(frames->room);
  if (it == rooms_.end()) return;
  // Index loop: a deliver() may close its subscriber (queue over its bound), which
  // unsubscribes and swaps the last element into this slot.
  auto& list = it->second;
  for (std::size_t i = 0; i < list.size();) {
    Subscriber* s = list[i];
    s->deliver(frames);
    if (i < list.size() && list[i] == s) {
      mark_dirty(s);
      ++i;
    }
  }
}

void Shard::mark_dirty(Subscriber* s) {
  if (s->flush_pending_) return;
  s->flush_pending_ = true;
  dirty_.push_back(s);
  schedule_flush();
}

void Shard::forget(Subscriber* s, const std::vector<std::string>& rooms) {
  for (const auto& r : rooms) unsubscribe(r, s);
  if (s->flush_pending_) {
    std::erase(dirty_, s);
    std::replace(sweep_.begin() + static_cast<std::ptrdiff_t>(sweep_next_), sweep_.end(), s,
                 static_cast<Subscriber*>(nullptr));
    s->flush_pending_ = false;
  }
}

void Shard::schedule_flush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  if (window_.count() == 0 || sweep_cost_ * 2 < window_) {
    // Cheap sweeps: write after the handlers already queued (more events of the
    // same burst join this write), without waiting for a timer.
    boost::asio::post(*io_, [this] { flush_now(); });
    return;
  }
  // A costly sweep (a big room, or many busy ones): the next events wait one window,
  // however they are spaced, and share each subscriber's write (finding 6).
  timer_->expires_after(window_);
  timer_->async_wait([this](boost::system::error_code ec) {
    if (!ec) flush_now();
  });
}

void Shard::flush_now() {
  flush_scheduled_ = false;
  // A sweep in progress starts the next one when it ends.
  if (sweep_next_ < sweep_.size()) return;
  sweep_started_ = std::chrono::steady_clock::now();
  // Swap out first: a flush may queue more (a close frame) and mark dirty again.
  sweep_.clear();
  sweep_.swap(dirty_);
  sweep_next_ = 0;
  continue_sweep();
}

void Shard::continue_sweep() {
  const std::size_t end = std::min(sweep_.size(), sweep_next_ + k_sweep_slice);
  while (sweep_next_ < end) {
    Subscriber* s = sweep_[sweep_next_++];
    if (!s) continue;  // forgotten while waiting for its turn
    s->flush_pending_ = false;
    s->flush();
  }
  if (sweep_next_ < sweep_.size()) {
    // Behind whatever is ready now: reads, other shards' events, acks.
    boost::asio::post(*io_, [this] { continue_sweep(); });
    return;
  }
  // Halved per sweep rather than replaced: the small sweeps between a big room's
  // (an ack, a typing notice) must not make its next event skip the window.
  sweep_cost_ = std::max(std::chrono::steady_clock::now() - sweep_started_, sweep_cost_ / 2);
  // Those marked dirty during the sweep: flush_now() left them for now.
  if (!dirty_.empty()) schedule_flush();
}

void Shard::drain_all() {
  // Copy: drain() removes the session from the set.
  std::vector<Drainable*> all(drainables_.begin(), drainables_.end());
  for (Drainable* d : all) d->drain();
}

void Shard::add_tickable(Tickable* t) {
  tickables_.insert(t);
  arm_tick();
}

void Shard::arm_tick() {
  if (ticking_ || !tick_timer_) return;
  ticking_ = true;
  tick_timer_->expires_after(tick_period);
  tick_timer_->async_wait([this](boost::system::error_code ec) {
    ticking_ = false;
    if (ec) return;
    tick_all();
    if (!tickables_.empty()) arm_tick();
  });
}

void Shard::tick_all() {
  const auto now = std::chrono::steady_clock::now();
  // Copy: a tick may close its session, which leaves the set; and one that left
  // before its turn (closed by another's tick) is skipped.
  std::vector<Tickable*> all(tickables_.begin(), tickables_.end());
  for (Tickable* t : all) {
    if (tickables_.contains(t)) t->tick(now);
  }
}

}  // namespace parley::hub
