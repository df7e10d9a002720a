#include "store/sqlite/log_writer.hpp"

#include <algorithm>

#include "store/clock.hpp"
#include "store/sqlite/deferred_writes.hpp"
#include "store/sqlite/rows.hpp"

namespace parley::store::sqlite {

namespace {

// Keeps the newest max_msgs events of the room. Runs on every append once the log
// is longer than that, so each call removes about one event: a small, indexed
// range delete instead of a periodic sweep that would stall the writer.
void apply_retention(Connection& db, const chat::Room& room, const chat::Limits& limits) {
  if (limits.max_msgs <= 0 || room.last_seq <= limits.max_msgs) return;
  // keep seq > cutoff
  const chat::Seq cutoff = retention_bound(db, room.id, room.kind, room.last_seq - limits.max_msgs);
  if (cutoff <= 0) return;
  db.exec("DELETE FROM events WHERE room_id = ?1 AND seq <= ?2", room.id, cutoff);
  db.exec("DELETE FROM reactions WHERE room_id = ?1 AND target_seq <= ?2", room.id, cutoff);
}

}  // namespace

chat::Seq retention_bound(Connection& db, const chat::RoomId& room, chat::RoomKind kind,
                          chat::Seq cutoff) {
  if (kind != chat::RoomKind::direct || cutoff <= 0) return cutoff;
  // A marker that is newer but still deferred (deferred_writes.hpp) only makes this
  // keep a little more, for one group.
  Query q = db.query("SELECT MIN(read_seq) FROM members WHERE room_id = ?1", room);
  if (q.next() && !q.is_null(0)) cutoff = std::min(cutoff, q.int64(0));
  return cutoff;
}

void append_event(Connection& db, chat::Room& room, chat::Event& event,
                  const chat::Limits& limits) {
  event.room = room.id;
  event.seq = room.last_seq + 1;
  if (event.created_at == 0) event.created_at = now_ms();
  insert_event(db, event);
  room.last_seq = event.seq;
  if (DeferredWrites* deferred = db.deferred()) {
    deferred->set_room(room.id, {room.last_seq, event.created_at});
  } else {
    db.exec("UPDATE rooms SET last_seq = ?2, last_activity = ?3 WHERE id = ?1", room.id,
            room.last_seq, event.created_at);
  }
  apply_retention(db, room, limits);
}

void set_member_read_seq(Connection& db, const chat::RoomId& room, const chat::UserId& user,
                         chat::Seq seq) {
  if (DeferredWrites* deferred = db.deferred()) {
    deferred->set_read_seq(room, user, seq);
  } else {
    db.exec("UPDATE members SET read_seq = ?3 WHERE room_id = ?1 AND user_id = ?2", room, user,
            seq);
  }
}

chat::Event add_member(Connection& db, chat::Room& room, const chat::UserRef& user,
                       chat::MemberAction action, const chat::Limits& limits) {
  const chat::TimeMs now = now_ms();
  // The member event about to be appended gets last_seq + 1: start the marker there.
  db.exec(
      "INSERT INTO members (room_id, user_id, user_name, avatar_url, read_seq, joined_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      room.id, user.id, user.name, user.avatar_url, room.last_seq + 1, now);
  if (DeferredWrites* deferred = db.deferred()) deferred->forget_read_seq(room.id, user.id);
  db.exec("UPDATE rooms SET members_count = members_count + 1 WHERE id = ?1", room.id);
  room.members_count += 1;
  chat::Event event;
  event.kind = chat::EventKind::member;
  event.created_at = now;
  event.member = user;
  event.action = action;
  append_event(db, room, event, limits);
  return event;
}

chat::Event remove_member(Connection& db, chat::Room& room, const chat::UserRef& user,
                          chat::MemberAction action, const chat::Limits& limits) {
  db.exec("DELETE FROM members WHERE room_id = ?1 AND user_id = ?2", room.id, user.id);
  if (DeferredWrites* deferred = db.deferred()) deferred->forget_read_seq(room.id, user.id);
  db.exec("UPDATE rooms SET members_count = members_count - 1 WHERE id = ?1", room.id);
  room.members_count -= 1;
  chat::Event event;
  event.kind = chat::EventKind::member;
  event.member = user;
  event.action = action;
  append_event(db, room, event, limits);
  if (room.members_count <= 0 && room.kind != chat::RoomKind::direct) delete_room(db, room.id);
  return event;
}

void delete_room(Connection& db, const chat::RoomId& id) {
  db.exec("DELETE FROM rooms WHERE id = ?1", id);
}

}  // namespace parley::store::sqlite
