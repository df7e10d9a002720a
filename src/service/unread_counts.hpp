#pragma once
// The exact unread count of each room a session follows for its user, kept from the
// rooms' live events, so a stream can report every change without a store query per
// event. `unread` is what store::Store::list_rooms counts (and GET /api/rooms shows):
// the messages after the user's read marker that others wrote and that are not
// deleted.
//
// A room's count starts from a store count (list_rooms), which covers the messages
// up to the room's last seq at that moment; live events after that seq change it by
// rules that need no knowledge of which seqs the store counted:
// - a message from someone else after the counted range is remembered by its seq;
// - the user's own message, or the read marker moving (from any connection), reads
//   everything up to it; a marker that stops inside the counted range, while the
//   range still holds unread messages, makes the count stale (the store's number
//   cannot be split by seq), and the room waits for a new store count;
// - a delete whose message is inside the counted range and after the marker that
//   count started from takes one off: the store deletes only live messages, and
//   one's own messages are never after one's marker (posting moves it), so that
//   message was counted.
// A store count is used only when the store read began after the room was added (or
// went stale): everything committed after that read arrives live, and what arrived
// live before it is reconciled by seq. Changes are reported only once the first
// snapshot() was taken, and only when a room's count differs from what it last
// reported. Plain data: one session's, on its shard.
#include <cstdint>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "chat/types.hpp"

namespace parley::service {

struct UnreadCount {
  chat::RoomId room;
  std::int64_t unread = 0;
  chat::Seq read_seq = 0;
  chat::Seq last_seq = 0;  // the newest seq this session has seen of the room

  bool operator==(const UnreadCount&) const = default;
};

class UnreadCounts {
 public:
  // A member room the session has just subscribed to: counted by the next store
  // read that begins after this. A room already here is left as it is.
  void add(const chat::RoomId& room);
  // The user left the room, or it is gone: no more counts for it.
  void remove(const chat::RoomId& room);
  bool has(const chat::RoomId& room) const { return rooms_.contains(room); }

  // Whether some room waits for a store count.
  bool wants_count() const { return waiting_ > 0; }
  // Call right before asking the store for the user's rooms; give counted() the
  // number this returns with the answer.
  std::uint64_t begin_count() { return ++rounds_; }
  // The store's answer (list_rooms, the user's member rooms) to the read begun at
  // `round`: the rooms waiting since before it take their counts from it, and a
  // waiting room missing from it (no longer a member) is removed. Returns the
  // changes to report.
  std::vector<UnreadCount> counted(std::uint64_t round,
                                   const std::vector<chat::RoomSummary>& rooms);

  // Live stored events of a room here. Each returns the room's count if it changed
  // and is to be reported.
  std::optional<UnreadCount> message(const chat::RoomId& room, chat::Seq seq, bool own);
  std::optional<UnreadCount> deleted(const chat::RoomId& room, chat::Seq seq, chat::Seq target);
  // Any other stored event: only the room's last seq moves.
  void other_event(const chat::RoomId& room, chat::Seq seq);
  // The user's read marker in `room` moved to `seq` (a read notice).
  std::optional<UnreadCount> read(const chat::RoomId& room, chat::Seq seq);

  // Every room's count (call when !wants_count(), so each is exact); from now on
  // changes are reported.
  std::vector<UnreadCount> snapshot();

 private:
  struct Room {
    chat::Seq read = 0;  // the user's read marker, as far as known
    chat::Seq last = 0;
    // The store counted `counted` unread messages in (from, to], less the deletes
    // since.
    chat::Seq from = 0;
    chat::Seq to = 0;
    std::int64_t counted = 0;
    // Unread messages from others after `to` (all after `read`); a few hundred at
    // most, then they join the counted range.
    std::set<chat::Seq> after;
    // Waiting for a store count begun after round `waiting_since`.
    bool waiting = false;
    std::uint64_t waiting_since = 0;
    // (delete seq, target) seen while waiting: reapplied to the count that comes.
    std::vector<std::pair<chat::Seq, chat::Seq>> deletes;
    std::optional<std::int64_t> reported;
  };

  void wait(Room& r) {
    if (!r.waiting) ++waiting_;
    r.waiting = true;
    r.waiting_since = rounds_;
  }
  void move_read(Room& r, chat::Seq seq);
  void fold(Room& r);
  void take_count(Room& r, const chat::RoomSummary& s);
  std::optional<UnreadCount> change(const chat::RoomId& id, Room& r);
  static std::int64_t unread(const Room& r) {
    return r.counted + static_cast<std::int64_t>(r.after.size());
  }

  std::unordered_map<chat::RoomId, Room> rooms_;
  std::uint64_t rounds_ = 0;
  std::size_t waiting_ = 0;  // rooms with `waiting` set
  bool reporting_ = false;
};

}  // namespace parley::service
