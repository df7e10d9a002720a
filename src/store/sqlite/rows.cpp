#include "store/sqlite/rows.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "store/sqlite/deferred_writes.hpp"

namespace parley::store::sqlite {

namespace {

namespace json = boost::json;

// A value the schema never writes means the file was changed behind parley's back;
// reading on would misreport a room's privacy, so the read fails instead.
[[noreturn]] void corrupt(const std::string& what) {
  throw std::runtime_error("corrupt row: unknown " + what);
}

}  // namespace

chat::User read_user(const Query& q, int first) {
  chat::User u;
  u.id = q.text(first);
  u.name = q.text(first + 1);
  u.avatar_url = q.text(first + 2);
  u.provider = q.text(first + 3);
  u.password_hash = q.text(first + 4);
  u.created_at = q.int64(first + 5);
  return u;
}

chat::Room read_room(const Query& q, int first) {
  chat::Room r;
  r.id = q.text(first);
  r.name = q.text(first + 1);
  const auto kind = chat::parse_room_kind(q.text(first + 2));
  if (!kind) corrupt("room kind");
  r.kind = *kind;
  const auto visibility = chat::parse_visibility(q.text(first + 3));
  if (!visibility) corrupt("room visibility");
  r.visibility = *visibility;
  r.owner_id = q.text(first + 4);
  r.created_at = q.int64(first + 5);
  r.last_seq = q.int64(first + 6);
  r.members_count = q.int64(first + 7);
  return r;
}

chat::Event read_event(const Query& q, int first) {
  chat::Event e;
  int c = first;
  e.room = q.text(c++);
  e.seq = q.int64(c++);
  const auto kind = chat::parse_event_kind(q.text(c++));
  if (!kind) corrupt("event kind");
  e.kind = *kind;
  e.created_at = q.int64(c++);
  e.author.id = q.text(c++);
  e.author.name = q.text(c++);
  e.author.avatar_url = q.text(c++);
  e.text = q.text(c++);
  e.html = q.text(c++);
  e.attachments = attachments_from_json(q.text(c++));
  e.client_id = q.text(c++);
  e.target_seq = q.int64(c++);
  e.user_id = q.text(c++);
  e.emoji = q.text(c++);
  e.on = q.boolean(c++);
  e.member.id = q.text(c++);
  e.member.name = q.text(c++);
  e.member.avatar_url = q.text(c++);
  const std::string action = q.text(c++);
  if (!action.empty()) {
    const auto parsed = chat::parse_member_action(action);
    if (!parsed) corrupt("member action");
    e.action = *parsed;
  }
  e.url = q.text(c++);
  e.title = q.text(c++);
  e.description = q.text(c++);
  e.image_url = q.text(c++);
  e.site_name = q.text(c++);
  return e;
}

void insert_event(Connection& db, const chat::Event& e) {
  const bool is_member = e.kind == chat::EventKind::member;
  db.exec("INSERT INTO events (" PARLEY_EVENT_COLUMNS
          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
          "?18, ?19, ?20, ?21, ?22, ?23, ?24)",
          e.room, e.seq, chat::to_string(e.kind), e.created_at, e.author.id, e.author.name,
          e.author.avatar_url, e.text, e.html, attachments_to_json(e.attachments), e.client_id,
          e.target_seq, e.user_id, e.emoji, e.on, e.member.id, e.member.name, e.member.avatar_url,
          is_member ? chat::to_string(e.action) : std::string_view{}, e.url, e.title, e.description,
          e.image_url, e.site_name);
}

std::string attachments_to_json(const std::vector<chat::Attachment>& attachments) {
  if (attachments.empty()) return {};  // the common case costs no JSON at all
  json::array array;
  for (const auto& a : attachments) {
    array.push_back(json::object{{"url", a.url},
                                 {"content_type", a.content_type},
                                 {"filename", a.filename},
                                 {"size", a.size}});
  }
  return json::serialize(array);
}

std::vector<chat::Attachment> attachments_from_json(const std::string& text) {
  std::vector<chat::Attachment> out;
  if (text.empty()) return out;
  const json::value value = json::parse(text);
  for (const json::value& item : value.as_array()) {
    const json::object& o = item.as_object();
    chat::Attachment a;
    a.url = json::value_to<std::string>(o.at("url"));
    a.content_type = json::value_to<std::string>(o.at("content_type"));
    a.filename = json::value_to<std::string>(o.at("filename"));
    a.size = o.at("size").to_number<std::int64_t>();
    out.push_back(std::move(a));
  }
  return out;
}

std::optional<chat::Room> load_room(Connection& db, const chat::RoomId& id) {
  Query q = db.query("SELECT " PARLEY_ROOM_COLUMNS " FROM rooms r WHERE r.id = ?1", id);
  if (!q.next()) return std::nullopt;
  chat::Room room = read_room(q);
  apply_deferred(db, room);
  return room;
}

void apply_deferred(const Connection& db, chat::Room& room) {
  if (const DeferredWrites* deferred = db.deferred()) {
    if (const auto* counter = deferred->room(room.id)) room.last_seq = counter->last_seq;
  }
}

std::optional<chat::Seq> load_member_read_seq(Connection& db, const chat::RoomId& room,
                                              const chat::UserId& user) {
  Query q =
      db.query("SELECT read_seq FROM members WHERE room_id = ?1 AND user_id = ?2", room, user);
  if (!q.next()) return std::nullopt;
  if (const DeferredWrites* deferred = db.deferred()) {
    if (const auto pending = deferred->read_seq(room, user)) return *pending;
  }
  return q.int64(0);
}

}  // namespace parley::store::sqlite
