#pragma once
// The store's notion of "now": wall-clock milliseconds since the Unix epoch, the
// unit of every created_at and expires_at it keeps, and what retention
// (Limits::retention_days) measures an event's age against.
//
// Tests can stop the clock (ScopedClock): every backend reads the time only
// through now_ms(), so the conformance suite can age a log by days in no time.
#include <atomic>
#include <chrono>

#include "chat/types.hpp"

namespace parley::store {

namespace detail {
// 0: the system clock; anything else: the time a ScopedClock set.
inline std::atomic<chat::TimeMs> fixed_now_ms{0};
}  // namespace detail

inline chat::TimeMs now_ms() {
  if (const chat::TimeMs fixed = detail::fixed_now_ms.load(std::memory_order_relaxed); fixed != 0)
    return fixed;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// For tests only: while one exists, now_ms() returns the time it holds, on every
// thread. One at a time; the destructor gives the system clock back.
class ScopedClock {
 public:
  explicit ScopedClock(chat::TimeMs start) { set(start); }
  ScopedClock(const ScopedClock&) = delete;
  ScopedClock& operator=(const ScopedClock&) = delete;
  ~ScopedClock() { detail::fixed_now_ms.store(0, std::memory_order_relaxed); }

  void set(chat::TimeMs t) { detail::fixed_now_ms.store(t, std::memory_order_relaxed); }
  void advance(chat::TimeMs by) { set(now_ms() + by); }
};

}  // namespace parley::store
