#pragma once
// The random-chat waiting queue (go-random-chat's "find someone"). Pure and not
// thread-safe: the owner serialises calls (one mutex around it, or one thread).
//
// Promises:
// - join() is idempotent: a user already waiting stays in place, once.
// - A user is never paired with itself.
// - Users are paired first come, first served; when join() pairs, neither user
//   remains in the queue.
// - leave() removes a waiting user; it is a no-op for anyone else.
// - requeue_front() puts a user back at the head of the line (a pairing that could
//   not be completed must not cost the one who waited longest their place).
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>

#include "chat/types.hpp"

namespace parley::chat {

class MatchQueue {
 public:
  // Puts `user` in the queue, or pairs it with the longest-waiting other user:
  // returns {that user, user}.
  std::optional<std::pair<UserId, UserId>> join(const UserId& user);
  // Removes `user` if it is waiting; true when it was.
  bool leave(const UserId& user);
  // Puts `user` first in line; a no-op when it is already waiting.
  void requeue_front(const UserId& user);
  bool waiting(const UserId& user) const { return waiting_.contains(user); }
  std::size_t size() const noexcept { return waiting_.size(); }

 private:
  // Order of arrival; may hold users who left (skipped lazily) so leave() is O(1).
  std::deque<UserId> order_;
  std::unordered_set<UserId> waiting_;
};

}  // namespace parley::chat
