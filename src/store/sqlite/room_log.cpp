#include "store/sqlite/room_log.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "chat/permissions.hpp"
#include "store/clock.hpp"
#include "store/sqlite/log_writer.hpp"
#include "store/sqlite/rows.hpp"

namespace parley::store::sqlite {

namespace {

auto room_not_found() {
  return chat::fail(chat::ErrorKind::not_found, "room not found");
}

std::optional<chat::MessageState> load_message(Connection& db, const chat::RoomId& room,
                                               chat::Seq seq) {
  Query q = db.query(
      "SELECT author_id, deleted FROM events WHERE room_id = ?1 AND seq = ?2 AND kind = 'message'",
      room, seq);
  if (!q.next()) return std::nullopt;
  return chat::MessageState{seq, q.text(0), q.boolean(1)};
}

const chat::MessageState* ptr(const std::optional<chat::MessageState>& m) {
  return m ? &*m : nullptr;
}

// The room and the membership check every log write except join/leave starts with.
chat::Result<chat::Room> room_for_writing(Connection& db, const chat::RoomId& id,
                                          const chat::UserId& actor) {
  auto room = load_room(db, id);
  if (!room) return room_not_found();
  const bool member = load_member_read_seq(db, id, actor).has_value();
  if (auto ok = chat::check_post(*room, member); !ok) return ok.error();
  return *room;
}

chat::Result<AppendResult> done(chat::Event event, chat::Room room) {
  return AppendResult{std::move(event), false, std::move(room)};
}

chat::Result<AppendResult> post(Connection& db, const PostMessage& m, const chat::Limits& limits) {
  auto room = room_for_writing(db, m.room, m.author.id);
  if (!room) return room.error();
  chat::Event e;
  e.kind = chat::EventKind::message;
  e.author = m.author;
  e.text = m.text;
  e.html = m.html;
  e.attachments = m.attachments;
  e.client_id = m.client_id;
  try {
    append_event(db, *room, e, limits);
  } catch (const Error& error) {
    // A repeated client_id: the unique index events_by_client_id refused the row and
    // SQLite undid only this statement. Inserting first and looking up only then
    // saves every other send a lookup of that index.
    if (m.client_id.empty() || error.code() != SQLITE_CONSTRAINT_UNIQUE) throw;
    // "client_id <> ''" lets SQLite use the partial unique index.
    Query q = db.query("SELECT " PARLEY_EVENT_COLUMNS
                       " FROM events WHERE room_id = ?1 AND author_id = ?2 AND client_id = ?3 "
                       "AND client_id <> ''",
                       m.room, m.author.id, m.client_id);
    if (!q.next()) throw;
    return AppendResult{read_event(q), true, std::move(*room)};
  }
  // Your own message is never unread to you.
  set_member_read_seq(db, e.room, m.author.id, e.seq);
  return done(std::move(e), std::move(*room));
}

chat::Result<AppendResult> edit(Connection& db, const EditMessage& m, const chat::Limits& limits) {
  auto room = room_for_writing(db, m.room, m.actor);
  if (!room) return room.error();
  const auto target = load_message(db, m.room, m.target_seq);
  if (auto ok = chat::check_edit(ptr(target), m.actor); !ok) return ok.error();
  chat::Event e;
  e.kind = chat::EventKind::edit;
  e.target_seq = m.target_seq;
  e.user_id = m.actor;
  e.text = m.text;
  e.html = m.html;
  append_event(db, *room, e, limits);
  return done(std::move(e), std::move(*room));
}

chat::Result<AppendResult> erase(Connection& db, const DeleteMessage& m,
                                 const chat::Limits& limits) {
  auto room = room_for_writing(db, m.room, m.actor);
  if (!room) return room.error();
  const auto target = load_message(db, m.room, m.target_seq);
  if (auto ok = chat::check_delete(ptr(target), m.actor, *room); !ok) {
    return ok.error();
  }
  // A deleted message's content is gone for everyone, also for those who load
  // history later: the message, its edits and its link previews keep their seq
  // (the log stays dense) but lose their text.
  // Two statements rather than one with OR, so each uses its own index.
  db.exec(
      "UPDATE events SET deleted = 1, text = '', html = '', attachments = '' "
      "WHERE room_id = ?1 AND seq = ?2",
      m.room, m.target_seq);
  db.exec(
      "UPDATE events SET text = '', html = '', attachments = '', url = '', title = '', "
      "description = '', image_url = '', site_name = '' "
      "WHERE room_id = ?1 AND target_seq = ?2 AND target_seq > 0 AND kind IN ('edit', 'preview')",
      m.room, m.target_seq);
  chat::Event e;
  e.kind = chat::EventKind::del;
  e.target_seq = m.target_seq;
  e.user_id = m.actor;
  append_event(db, *room, e, limits);
  return done(std::move(e), std::move(*room));
}

chat::Result<AppendResult> react(Connection& db, const ToggleReaction& m,
                                 const chat::Limits& limits) {
  auto room = room_for_writing(db, m.room, m.actor);
  if (!room) return room.error();
  const auto target = load_message(db, m.room, m.target_seq);
  if (auto ok = chat::check_react(ptr(target)); !ok) return ok.error();
  // Toggle: removing succeeds only if it was on; otherwise it is turned on.
  const bool was_on = db.exec(
                          "DELETE FROM reactions WHERE room_id = ?1 AND target_seq = ?2 "
                          "AND emoji = ?3 AND user_id = ?4",
                          m.room, m.target_seq, m.emoji, m.actor) > 0;
  if (!was_on) {
    db.exec(
        "INSERT INTO reactions (room_id, target_seq, emoji, user_id, first_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)",
        m.room, m.target_seq, m.emoji, m.actor, now_ms());
  }
  chat::Event e;
  e.kind = chat::EventKind::reaction;
  e.target_seq = m.target_seq;
  e.user_id = m.actor;
  e.emoji = m.emoji;
  e.on = !was_on;
  append_event(db, *room, e, limits);
  return done(std::move(e), std::move(*room));
}

chat::Result<AppendResult> join(Connection& db, const JoinRoom& m, const chat::Limits& limits) {
  auto room = load_room(db, m.room);
  if (!room) return room_not_found();
  if (load_member_read_seq(db, m.room, m.user.id)) return AppendResult{std::nullopt, false, *room};
  chat::Event e = add_member(db, *room, m.user, m.action, limits);
  return done(std::move(e), std::move(*room));
}

chat::Result<AppendResult> leave(Connection& db, const LeaveRoom& m, const chat::Limits& limits) {
  auto room = load_room(db, m.room);
  if (!room) return room_not_found();
  if (!load_member_read_seq(db, m.room, m.user.id)) {
    return chat::fail(chat::ErrorKind::not_found, "not a member of this room");
  }
  chat::Event e = remove_member(db, *room, m.user, m.action, limits);
  return done(std::move(e), std::move(*room));
}

}  // namespace

chat::Result<AppendResult> append(Connection& db, const Command& command,
                                  const chat::Limits& limits) {
  return std::visit(
      [&](const auto& c) -> chat::Result<AppendResult> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, PostMessage>) return post(db, c, limits);
        if constexpr (std::is_same_v<T, EditMessage>) return edit(db, c, limits);
        if constexpr (std::is_same_v<T, DeleteMessage>) return erase(db, c, limits);
        if constexpr (std::is_same_v<T, ToggleReaction>) return react(db, c, limits);
        if constexpr (std::is_same_v<T, JoinRoom>) return join(db, c, limits);
        if constexpr (std::is_same_v<T, LeaveRoom>) return leave(db, c, limits);
      },
      command);
}

chat::Result<HistoryPage> history(Connection& db, const HistoryQuery& query) {
  const auto room = load_room(db, query.room);
  if (!room) return room_not_found();
  HistoryPage page;
  page.last_seq = room->last_seq;
  {
    Query q = db.query("SELECT MIN(seq) FROM events WHERE room_id = ?1", query.room);
    // An empty log keeps nothing: the earliest seq there could be is the next one.
    page.earliest_seq = q.next() && !q.is_null(0) ? q.int64(0) : room->last_seq + 1;
  }
  const std::int64_t limit = std::max(query.limit, 1);
  const chat::Seq before = query.before.value_or(std::numeric_limits<chat::Seq>::max());
  // One row past the page tells whether more exist, without a COUNT.
  if (query.after) {
    Query q = db.query("SELECT " PARLEY_EVENT_COLUMNS
                       " FROM events WHERE room_id = ?1 AND seq > ?2 AND seq < ?3 "
                       "ORDER BY seq ASC LIMIT ?4",
                       query.room, *query.after, before, limit + 1);
    while (q.next()) page.events.push_back(read_event(q));
  } else {
    Query q = db.query("SELECT " PARLEY_EVENT_COLUMNS
                       " FROM events WHERE room_id = ?1 AND seq < ?2 "
                       "ORDER BY seq DESC LIMIT ?3",
                       query.room, before, limit + 1);
    while (q.next()) page.events.push_back(read_event(q));
  }
  if (static_cast<std::int64_t>(page.events.size()) > limit) {
    page.has_more = true;
    page.events.pop_back();
  }
  if (!query.after) std::reverse(page.events.begin(), page.events.end());
  return page;
}

chat::Result<std::vector<chat::Event>> unread_direct_messages(Connection& db,
                                                              const chat::UserId& user, int limit) {
  // Per room rather than one join: each query walks the (room_id, seq) key from the
  // marker, and a user has few direct rooms with anything unread.
  std::vector<std::pair<chat::RoomId, chat::Seq>> rooms;
  {
    Query q = db.query(
        "SELECT m.room_id, m.read_seq FROM members m JOIN rooms r ON r.id = m.room_id "
        "WHERE m.user_id = ?1 AND r.kind = 'direct' AND r.last_seq > m.read_seq",
        user);
    while (q.next()) rooms.emplace_back(q.text(0), q.int64(1));
  }
  std::vector<chat::Event> out;
  for (const auto& [room, read_seq] : rooms) {
    Query q = db.query("SELECT " PARLEY_EVENT_COLUMNS
                       " FROM events WHERE room_id = ?1 AND seq > ?2 AND kind = 'message' "
                       "AND deleted = 0 AND author_id <> ?3 ORDER BY seq ASC LIMIT ?4",
                       room, read_seq, user, limit);
    while (q.next()) out.push_back(read_event(q));
  }
  std::stable_sort(out.begin(), out.end(), [](const chat::Event& a, const chat::Event& b) {
    return a.created_at < b.created_at;
  });
  if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(limit));
  // A message is offered as it reads now: its latest edit's text (an index lookup
  // each, on events_by_target; only the messages returned pay for it).
  for (auto& e : out) {
    Query q = db.query(
        "SELECT text, html FROM events WHERE room_id = ?1 AND target_seq = ?2 "
        "AND target_seq > 0 AND kind = 'edit' ORDER BY seq DESC LIMIT 1",
        e.room, e.seq);
    if (!q.next()) continue;
    e.text = q.text(0);
    e.html = q.text(1);
  }
  return out;
}

}  // namespace parley::store::sqlite
