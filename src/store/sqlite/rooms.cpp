#include "store/sqlite/rooms.hpp"

#include "chat/direct_room.hpp"
#include "chat/permissions.hpp"
#include "store/clock.hpp"
#include "store/random_id.hpp"
#include "store/sqlite/log_writer.hpp"
#include "store/sqlite/rows.hpp"

namespace parley::store::sqlite {

namespace {

auto room_not_found() {
  return chat::fail(chat::ErrorKind::not_found, "room not found");
}

// Inserts an empty room (no members, no events); the caller adds members.
chat::Room insert_room(Connection& db, std::string name, chat::RoomKind kind,
                       chat::Visibility visibility, chat::UserId owner_id,
                       const std::string* direct_key) {
  chat::Room room;
  room.id = random_id();
  room.name = std::move(name);
  room.kind = kind;
  room.visibility = visibility;
  room.owner_id = std::move(owner_id);
  room.created_at = now_ms();
  auto q = db.query(
      "INSERT INTO rooms (id, name, kind, visibility, owner_id, created_at, last_seq, "
      "last_activity, members_count, direct_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?6, 0, ?7)",
      room.id, room.name, chat::to_string(room.kind), chat::to_string(room.visibility),
      room.owner_id, room.created_at, nullptr);
  if (direct_key != nullptr) q.bind(7, *direct_key);
  while (q.next()) {
  }
  return room;
}

}  // namespace

chat::Result<chat::Room> create_room(Connection& db, const NewRoom& nr,
                                     const chat::Limits& limits) {
  chat::Room room = insert_room(db, nr.name, nr.kind, nr.visibility, nr.owner.id, nullptr);
  add_member(db, room, nr.owner, chat::MemberAction::joined, limits);
  return room;
}

chat::Result<chat::Room> get_room(Connection& db, const chat::RoomId& id) {
  auto room = load_room(db, id);
  if (!room) return room_not_found();
  return std::move(*room);
}

chat::Result<std::vector<chat::RoomSummary>> list_rooms(Connection& db, const chat::UserId& user) {
  // Two indexed halves: the user's rooms (members_by_user), then the public group
  // rooms they have not joined (rooms_public). Unread counts only what a person
  // would call new: live messages from others after the read marker, not joins,
  // edits, reactions or deletes (all log events too), one primary-key range each.
  Query q = db.query("SELECT " PARLEY_ROOM_COLUMNS
                     ", m.read_seq, 1, r.last_activity AS activity, "
                     "(SELECT COUNT(*) FROM events g WHERE g.room_id = r.id AND g.seq > m.read_seq "
                     "AND g.kind = 'message' AND g.deleted = 0 AND g.author_id <> ?1) "
                     "FROM members m JOIN rooms r ON r.id = m.room_id WHERE m.user_id = ?1 "
                     "UNION ALL "
                     "SELECT " PARLEY_ROOM_COLUMNS
                     ", 0, 0, r.last_activity AS activity, 0 FROM rooms r "
                     "WHERE r.kind = 'group' AND r.visibility = 'public' AND NOT EXISTS "
                     "(SELECT 1 FROM members m WHERE m.room_id = r.id AND m.user_id = ?1) "
                     "ORDER BY activity DESC, 1",
                     user);
  std::vector<chat::RoomSummary> out;
  while (q.next()) {
    chat::RoomSummary s;
    s.room = read_room(q);
    const bool member = q.boolean(k_room_column_count + 1);
    if (member) {
      s.read_seq = q.int64(k_room_column_count);
      s.unread = q.int64(k_room_column_count + 3);
    }
    out.push_back(std::move(s));
  }
  return out;
}

chat::Result<bool> is_member(Connection& db, const chat::RoomId& room, const chat::UserId& user) {
  return load_member_read_seq(db, room, user).has_value();
}

chat::Result<std::vector<chat::Member>> list_members(Connection& db, const chat::RoomId& id) {
  const auto room = load_room(db, id);
  if (!room) return room_not_found();
  // The users row is the current name and avatar; the member row's copy covers
  // members with no users row.
  Query q = db.query(
      "SELECT m.user_id, COALESCE(u.name, m.user_name), COALESCE(u.avatar_url, m.avatar_url), "
      "m.read_seq FROM members m LEFT JOIN users u ON u.id = m.user_id "
      "WHERE m.room_id = ?1 ORDER BY m.joined_at, m.user_id",
      id);
  std::vector<chat::Member> out;
  while (q.next()) {
    chat::Member m;
    m.user = {q.text(0), q.text(1), q.text(2)};
    m.read_seq = q.int64(3);
    m.owner = !room->owner_id.empty() && m.user.id == room->owner_id;
    out.push_back(std::move(m));
  }
  return out;
}

chat::Result<std::optional<chat::RoomId>> shared_direct_room(Connection& db, const chat::UserId& a,
                                                             const chat::UserId& b) {
  Query q = db.query(
      "SELECT r.id FROM rooms r WHERE r.direct_key = ?1 "
      "AND EXISTS (SELECT 1 FROM members m WHERE m.room_id = r.id AND m.user_id = ?2) "
      "AND EXISTS (SELECT 1 FROM members m WHERE m.room_id = r.id AND m.user_id = ?3)",
      chat::direct_room_key(a, b), a, b);
  if (!q.next()) return std::optional<chat::RoomId>();
  return std::optional<chat::RoomId>(q.text(0));
}

chat::Result<chat::Room> direct_room(Connection& db, const chat::UserRef& a, const chat::UserRef& b,
                                     const chat::Limits& limits) {
  const std::string key = chat::direct_room_key(a.id, b.id);
  std::optional<chat::Room> room;
  {
    Query q = db.query("SELECT " PARLEY_ROOM_COLUMNS " FROM rooms r WHERE r.direct_key = ?1", key);
    if (q.next()) {
      room = read_room(q);
      apply_deferred(db, *room);
    }
  }
  const bool self = chat::is_self_pair(a.id, b.id);
  if (!room) {
    // The writer thread is the only writer, so "look up, then create" cannot race:
    // two concurrent first calls run one after the other and the second finds the
    // room. The unique index on direct_key guards the invariant regardless.
    std::string name = self ? a.name : a.name + " & " + b.name;
    room = insert_room(db, std::move(name), chat::RoomKind::direct, chat::Visibility::private_room,
                       {}, &key);
  }
  if (!load_member_read_seq(db, room->id, a.id)) {
    add_member(db, *room, a, chat::MemberAction::joined, limits);
  }
  if (!self && !load_member_read_seq(db, room->id, b.id)) {
    add_member(db, *room, b, chat::MemberAction::added, limits);
  }
  return std::move(*room);
}

chat::Result<chat::Seq> set_read(Connection& db, const chat::RoomId& id, const chat::UserId& user,
                                 chat::Seq seq) {
  const auto room = load_room(db, id);
  if (!room) return room_not_found();
  const auto current = load_member_read_seq(db, id, user);
  if (!current) {
    // A room the user cannot see answers as if it did not exist.
    if (!chat::can_view(*room, false)) return room_not_found();
    return chat::fail(chat::ErrorKind::forbidden, "not a member of this room");
  }
  const chat::Seq next = chat::next_read_marker(*current, seq, room->last_seq);
  if (next != *current) {
    set_member_read_seq(db, id, user, next);
  }
  return next;
}

}  // namespace parley::store::sqlite
