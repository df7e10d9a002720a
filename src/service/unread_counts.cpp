#include "service/unread_counts.hpp"

#include <algorithm>

namespace parley::service {

namespace {
// Unread messages a room remembers by seq before they become part of its counted
// range (fold()): bounds the memory of a room nobody reads. The cost is a store
// read should the marker later stop partway through them.
constexpr std::size_t k_max_tracked = 256;
}  // namespace

void UnreadCounts::add(const chat::RoomId& room) {
  auto [it, added] = rooms_.try_emplace(room);
  if (added) wait(it->second);
}

void UnreadCounts::remove(const chat::RoomId& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  if (it->second.waiting) --waiting_;
  rooms_.erase(it);
}

std::vector<UnreadCount> UnreadCounts::counted(std::uint64_t round,
                                               const std::vector<chat::RoomSummary>& rooms) {
  std::vector<UnreadCount> out;
  std::vector<chat::RoomId> answered;
  for (const auto& s : rooms) {
    auto it = rooms_.find(s.room.id);
    if (it == rooms_.end() || !it->second.waiting || it->second.waiting_since >= round) continue;
    take_count(it->second, s);
    answered.push_back(s.room.id);
  }
  // Waiting rooms the answer should have held but did not: no longer the user's.
  const auto gone = std::erase_if(rooms_, [&](const auto& r) {
    return r.second.waiting && r.second.waiting_since < round &&
           std::find(answered.begin(), answered.end(), r.first) == answered.end();
  });
  waiting_ -= gone;
  for (const auto& id : answered) {
    auto it = rooms_.find(id);
    if (it == rooms_.end()) continue;
    if (auto c = change(id, it->second)) out.push_back(std::move(*c));
  }
  return out;
}

void UnreadCounts::take_count(Room& r, const chat::RoomSummary& s) {
  r.from = s.read_seq;
  r.to = s.room.last_seq;
  r.counted = s.unread;
  r.last = std::max(r.last, r.to);
  // What arrived live up to the counted seq is in the count already.
  std::erase_if(r.after, [&](chat::Seq q) { return q <= r.to; });
  // Deletes stored after the count: each of a message inside the counted range is
  // one counted message fewer (see the header).
  for (const auto& [seq, target] : r.deletes) {
    if (seq > r.to && target > r.from && target <= r.to)
      r.counted = std::max<std::int64_t>(0, r.counted - 1);
  }
  std::vector<std::pair<chat::Seq, chat::Seq>>().swap(r.deletes);
  r.waiting = false;
  --waiting_;
  // The marker as the store read it, moved on by the reads that came live since.
  const chat::Seq live = r.read;
  r.read = r.from;
  move_read(r, live);
}

void UnreadCounts::move_read(Room& r, chat::Seq seq) {
  if (seq <= r.read) return;
  r.read = seq;
  std::erase_if(r.after, [&](chat::Seq q) { return q <= seq; });
  if (seq <= r.from) return;
  if (seq >= r.to) {
    // Everything the store counted is read now.
    r.counted = 0;
    r.from = r.to;
  } else if (r.counted == 0) {
    r.from = seq;  // nothing unread in the range, nor in any part of it
  } else if (!r.waiting) {
    wait(r);  // the count cannot be split by seq: read it again
  }
}

std::optional<UnreadCount> UnreadCounts::message(const chat::RoomId& room, chat::Seq seq,
                                                 bool own) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return std::nullopt;
  Room& r = it->second;
  r.last = std::max(r.last, seq);
  if (own) {
    move_read(r, seq);  // posting moves the author's marker to the message
  } else if (seq > r.to && seq > r.read) {
    r.after.insert(seq);
    if (r.after.size() > k_max_tracked && !r.waiting) fold(r);
  }
  return change(room, r);
}

// Every event after `to` has been seen (a room's events reach the shard in seq
// order), so `after` holds exactly the unread messages from others in (to, last],
// and none of the user's own messages is after max(from, read): the range can grow
// to `last` and take them in as a number.
void UnreadCounts::fold(Room& r) {
  r.counted += static_cast<std::int64_t>(r.after.size());
  r.from = std::max(r.from, r.read);
  r.to = r.last;
  r.after.clear();
}

std::optional<UnreadCount> UnreadCounts::deleted(const chat::RoomId& room, chat::Seq seq,
                                                 chat::Seq target) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return std::nullopt;
  Room& r = it->second;
  r.last = std::max(r.last, seq);
  if (r.waiting) r.deletes.emplace_back(seq, target);
  if (seq <= r.to) return std::nullopt;  // the store's count saw it
  if (target > r.to) {
    r.after.erase(target);
  } else if (target > r.from) {
    r.counted = std::max<std::int64_t>(0, r.counted - 1);
  }
  return change(room, r);
}

void UnreadCounts::other_event(const chat::RoomId& room, chat::Seq seq) {
  auto it = rooms_.find(room);
  if (it != rooms_.end()) it->second.last = std::max(it->second.last, seq);
}

std::optional<UnreadCount> UnreadCounts::read(const chat::RoomId& room, chat::Seq seq) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return std::nullopt;
  move_read(it->second, seq);
  return change(room, it->second);
}

std::vector<UnreadCount> UnreadCounts::snapshot() {
  reporting_ = true;
  std::vector<UnreadCount> out;
  out.reserve(rooms_.size());
  for (auto& [id, r] : rooms_) {
    if (r.waiting) continue;
    r.reported = unread(r);
    out.push_back({id, *r.reported, r.read, r.last});
  }
  return out;
}

std::optional<UnreadCount> UnreadCounts::change(const chat::RoomId& id, Room& r) {
  if (!reporting_ || r.waiting) return std::nullopt;
  const std::int64_t n = unread(r);
  if (r.reported == n) return std::nullopt;
  r.reported = n;
  return UnreadCount{id, n, r.read, r.last};
}

}  // namespace parley::service
