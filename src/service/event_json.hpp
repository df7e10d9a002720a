#pragma once
// JSON shapes of the domain's values, exactly as API.md writes them. Every
// transport (REST, SSE, WebSocket) builds its payloads from these, so the three
// never drift apart.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "chat/types.hpp"

namespace parley::service {

// An event as in REST responses and SSE data: the object of API.md's table with
// `kind` added.
boost::json::object event_json(const chat::Event& e);
boost::json::object room_json(const chat::Room& r);
boost::json::object user_ref_json(const chat::UserRef& u);
// chat-server's direct-message notice, `{type:"chat", from_user_id, to_user_id,
// content, room, seq, created_at}`: message event `e` as its recipient `to` gets it,
// live (user channel) or replayed (/api/events).
boost::json::object direct_notice_json(const chat::Event& e, const chat::UserId& to);

}  // namespace parley::service
