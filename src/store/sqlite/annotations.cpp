#include "store/sqlite/annotations.hpp"

#include <map>

#include "store/sqlite/rows.hpp"

namespace parley::store::sqlite {

chat::Result<std::vector<MessageAnnotation>> annotations(Connection& db, const chat::RoomId& room,
                                                         chat::Seq first, chat::Seq last) {
  if (!load_room(db, room)) return chat::fail(chat::ErrorKind::not_found, "room not found");
  // Three indexed range reads (events' key, events_by_target, reactions' key),
  // merged by seq; a page of 50 messages costs three short scans.
  std::map<chat::Seq, MessageAnnotation> by_seq;
  auto at = [&](chat::Seq seq) -> MessageAnnotation& {
    auto& a = by_seq[seq];
    a.seq = seq;
    return a;
  };
  {
    Query q = db.query(
        "SELECT seq FROM events WHERE room_id = ?1 AND seq BETWEEN ?2 AND ?3 AND deleted = 1", room,
        first, last);
    while (q.next()) at(q.int64(0)).deleted = true;
  }
  {
    // "target_seq > 0" lets SQLite use the partial index; later edits overwrite earlier.
    Query q = db.query(
        "SELECT target_seq, text, html, created_at FROM events WHERE room_id = ?1 "
        "AND target_seq BETWEEN ?2 AND ?3 AND target_seq > 0 AND kind = 'edit' ORDER BY seq",
        room, first, last);
    while (q.next()) {
      auto& a = at(q.int64(0));
      a.edited = true;
      a.text = q.text(1);
      a.html = q.text(2);
      a.edited_at = q.int64(3);
    }
  }
  {
    // In the order the reactions were made: the seq of the event that turned each on
    // (the latest toggle of that user and emoji; first_at has only millisecond
    // resolution). A user who reacted and has no users row any more is shown by id.
    Query q = db.query(
        "SELECT r.target_seq, r.emoji, r.user_id, COALESCE(u.name, r.user_id), "
        "COALESCE(u.avatar_url, ''), (SELECT MAX(e.seq) FROM events e WHERE e.room_id = "
        "r.room_id AND e.target_seq = r.target_seq AND e.target_seq > 0 AND e.kind = 'reaction' "
        "AND e.emoji = r.emoji AND e.user_id = r.user_id) AS made "
        "FROM reactions r LEFT JOIN users u ON u.id = r.user_id "
        "WHERE r.room_id = ?1 AND r.target_seq BETWEEN ?2 AND ?3 "
        "ORDER BY r.target_seq, made, r.first_at",
        room, first, last);
    while (q.next()) {
      auto& a = at(q.int64(0));
      std::string emoji = q.text(1);
      MessageAnnotation::Reaction* group = nullptr;
      for (auto& r : a.reactions) {
        if (r.emoji == emoji) group = &r;
      }
      if (group == nullptr)
        group = &a.reactions.emplace_back(MessageAnnotation::Reaction{emoji, {}});
      group->users.push_back({q.text(2), q.text(3), q.text(4)});
    }
  }
  std::vector<MessageAnnotation> out;
  out.reserve(by_seq.size());
  for (auto& [seq, a] : by_seq) {
    if (a.deleted) {
      // A deleted message shows nothing; its edits' text is gone already.
      a.edited = false;
      a.text.clear();
      a.html.clear();
      a.reactions.clear();
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace parley::store::sqlite
