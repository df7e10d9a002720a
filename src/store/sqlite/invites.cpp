#include "store/sqlite/invites.hpp"

#include "store/clock.hpp"
#include "store/sqlite/log_writer.hpp"
#include "store/sqlite/rows.hpp"

namespace parley::store::sqlite {

namespace {

auto invalid_invite() {
  return chat::fail(chat::ErrorKind::not_found, "this invite link is invalid or has expired");
}

}  // namespace

chat::Result<void> create_invite(Connection& db, const chat::RoomId& room,
                                 const chat::UserId& creator, const std::string& token_hash,
                                 chat::TimeMs expires_at) {
  const auto r = load_room(db, room);
  if (!r) return chat::fail(chat::ErrorKind::not_found, "room not found");
  if (!load_member_read_seq(db, room, creator)) {
    return chat::fail(chat::ErrorKind::forbidden, "only members can invite to a room");
  }
  if (r->kind != chat::RoomKind::group) {
    return chat::fail(chat::ErrorKind::forbidden, "only group rooms take invites");
  }
  const auto now = now_ms();
  db.exec(
      "INSERT INTO invites (token_hash, room_id, creator_id, created_at, expires_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)",
      token_hash, room, creator, now, expires_at);
  // Sweeping on an indexed range here keeps the table small without a background job.
  db.exec("DELETE FROM invites WHERE expires_at <= ?1", now);
  return {};
}

chat::Result<AppendResult> redeem_invite(Connection& db, const std::string& token_hash,
                                         const chat::UserRef& user, const chat::Limits& limits) {
  chat::RoomId room_id;
  std::string used_by;
  {
    Query q =
        db.query("SELECT room_id, used_by FROM invites WHERE token_hash = ?1 AND expires_at > ?2",
                 token_hash, now_ms());
    if (!q.next()) return invalid_invite();
    room_id = q.text(0);
    used_by = q.text(1);
  }
  auto room = load_room(db, room_id);
  if (!room) return invalid_invite();
  if (load_member_read_seq(db, room_id, user.id)) {
    // Already in (the creator trying the link, a reload): nothing to use up.
    return AppendResult{std::nullopt, false, std::move(*room)};
  }
  if (!used_by.empty()) {
    return chat::fail(chat::ErrorKind::not_found, "this invite link has already been used");
  }
  db.exec("UPDATE invites SET used_by = ?2, used_at = ?3 WHERE token_hash = ?1", token_hash,
          user.id, now_ms());
  chat::Event e = add_member(db, *room, user, chat::MemberAction::joined, limits);
  return AppendResult{std::move(e), false, std::move(*room)};
}

}  // namespace parley::store::sqlite
