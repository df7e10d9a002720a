#include "chat/match_queue.hpp"

namespace parley::chat {

std::optional<std::pair<UserId, UserId>> MatchQueue::join(const UserId& user) {
  if (waiting_.contains(user)) return std::nullopt;
  while (!order_.empty()) {
    UserId first = std::move(order_.front());
    order_.pop_front();
    // Entries of users who left, or stale duplicates after a leave and re-join,
    // are skipped here rather than searched for in leave(). `user` itself is not
    // waiting (checked above), so it can never be its own match.
    if (!waiting_.erase(first)) continue;
    return std::make_pair(std::move(first), user);
  }
  waiting_.insert(user);
  order_.push_back(user);
  return std::nullopt;
}

bool MatchQueue::leave(const UserId& user) {
  return waiting_.erase(user) > 0;
}

void MatchQueue::requeue_front(const UserId& user) {
  if (!waiting_.insert(user).second) return;
  order_.push_front(user);
}

}  // namespace parley::chat
