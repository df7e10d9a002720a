#pragma once
// Random chat (go-random-chat's matching): a user asks, and is paired with the
// stranger who waited longest, or waits. Any shard may call it: the queue is behind
// one mutex.
//
// - join() pairs `who` with a waiting stranger, or leaves it waiting (idempotent); a
//   pair gets a new private `random` room and both users a `matched` notice on every
//   connection (their user channel).
// - conflict when `who` already has a random chat (or is being paired right now).
// - A waiting user holds its place only while it has a live connection (WebSocket or
//   SSE): one that is gone is never paired, and leaves the queue when its last
//   connection closes. `needs_connection` (REST) refuses (conflict) to leave a caller
//   waiting who has none, as the match could reach it nowhere; pairing with someone
//   already waiting needs none (the answer carries the room).
// - When the room cannot be made after pairing, the peer goes back to the head of the
//   queue and the caller gets the error.
// `ticket` (when left waiting) names this place in the queue: each join of a waiting
// user renews it, so the one that asked last holds the place.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "chat/error.hpp"
#include "chat/match_queue.hpp"
#include "chat/types.hpp"
#include "service/context.hpp"
#include "service/identity.hpp"
#include "service/room_log.hpp"

namespace parley::service {

class Matching {
 public:
  Matching(Context& ctx, RoomLog& log) : ctx_(ctx), log_(log) {}

  struct MatchResult {
    bool matched = false;
    chat::Room room;
    chat::UserRef peer;
    std::uint32_t ticket = 0;
  };
  boost::asio::awaitable<chat::Result<MatchResult>> join(const Identity& who,
                                                         bool needs_connection = false);
  // Takes a waiting user out of the queue (leave_match, DELETE /api/match, cancel).
  bool leave(const chat::UserId& user);
  // The connection that asked (with `ticket`) closed: the user leaves the queue
  // unless that place was since matched or renewed by another ask.
  void drop(const chat::UserId& user, std::uint32_t ticket);
  // The user's last connection closed (Presence): nothing can hold its place.
  void connections_gone(const chat::UserId& user);
  // The web page's place in the queue. A page has no connection that "asked" (its
  // find is a form post), so its user stream (/events?random=1) holds the place
  // instead: hold on open, release on close; when the user's last holding stream
  // closes, the user leaves the queue, as when the WebSocket that asked closes.
  // Counted, so a reload whose new stream opens before the old one closes keeps it.
  void hold(const chat::UserId& user);
  void release(const chat::UserId& user);

  // After one side left random chat `room`: closes it for the other side too, and
  // tells both sides (every connection of each) that it ended.
  boost::asio::awaitable<void> end(const Identity& who, const chat::RoomId& room);

 private:
  struct Waiting {
    chat::UserRef user;
    std::uint32_t ticket = 0;
  };
  // Under mu_: takes the longest-waiting connected user as `who`'s peer (both are
  // then `pairing_`), or leaves `who` waiting with a new `ticket`.
  chat::Result<std::optional<Waiting>> pair_or_wait(const Identity& who, bool needs_connection,
                                                    std::uint32_t& ticket);
  std::uint32_t new_ticket();
  // The random room of a new pair: made by `peer`, `who` added.
  boost::asio::awaitable<chat::Result<Appended>> open_room(const Identity& who,
                                                           const chat::UserRef& peer);

  Context& ctx_;
  RoomLog& log_;
  std::mutex mu_;  // guards the queue: any shard may call join/leave
  chat::MatchQueue queue_;
  std::unordered_map<chat::UserId, Waiting> waiting_;
  std::unordered_set<chat::UserId> pairing_;  // paired, their room not made yet
  std::uint32_t next_ticket_ = 0;
  std::unordered_map<chat::UserId, int> holds_;  // open holding streams per user
};

}  // namespace parley::service
