#include "service/event_json.hpp"

#include <boost/json/array.hpp>

#include "chat/time_format.hpp"

namespace parley::service {

namespace json = boost::json;

json::object direct_notice_json(const chat::Event& e, const chat::UserId& to) {
  return json::object{{"type", "chat"},
                      {"from_user_id", e.author.id},
                      {"to_user_id", to},
                      {"content", e.text},
                      {"room", e.room},
                      {"seq", e.seq},
                      {"created_at", chat::format_time(e.created_at)}};
}

json::object user_ref_json(const chat::UserRef& u) {
  return {{"id", u.id}, {"name", u.name}, {"avatar_url", u.avatar_url}};
}

json::object event_json(const chat::Event& e) {
  json::object o;
  o["kind"] = chat::to_string(e.kind);
  o["seq"] = e.seq;
  switch (e.kind) {
    case chat::EventKind::message: {
      o["room"] = e.room;
      o["author"] = user_ref_json(e.author);
      o["text"] = e.text;
      o["html"] = e.html;
      json::array atts;
      for (const auto& a : e.attachments) {
        atts.push_back(json::object{{"url", a.url},
                                    {"content_type", a.content_type},
                                    {"filename", a.filename},
                                    {"size", a.size}});
      }
      o["attachments"] = std::move(atts);
      o["client_id"] = e.client_id;
      o["created_at"] = chat::format_time(e.created_at);
      break;
    }
    case chat::EventKind::edit:
      o["target_seq"] = e.target_seq;
      o["text"] = e.text;
      o["html"] = e.html;
      o["edited_at"] = chat::format_time(e.created_at);
      break;
    case chat::EventKind::del:
      o["target_seq"] = e.target_seq;
      break;
    case chat::EventKind::reaction:
      o["target_seq"] = e.target_seq;
      o["user_id"] = e.user_id;
      o["emoji"] = e.emoji;
      o["on"] = e.on;
      break;
    case chat::EventKind::member:
      o["user"] = json::object{{"id", e.member.id}, {"name", e.member.name}};
      o["action"] = chat::to_string(e.action);
      break;
    case chat::EventKind::preview:
      o["target_seq"] = e.target_seq;
      o["url"] = e.url;
      o["title"] = e.title;
      o["description"] = e.description;
      o["image_url"] = e.image_url;
      o["site_name"] = e.site_name;
      break;
  }
  return o;
}

json::object room_json(const chat::Room& r) {
  return {{"id", r.id},
          {"name", r.name},
          {"kind", chat::to_string(r.kind)},
          {"visibility", chat::to_string(r.visibility)},
          {"owner_id", r.owner_id},
          {"created_at", chat::format_time(r.created_at)},
          {"last_seq", r.last_seq},
          {"members_count", r.members_count}};
}

}  // namespace parley::service
