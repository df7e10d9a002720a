#pragma once
// JSON shapes of the domain's values, exactly as API.md writes them. Every
// transport (REST, SSE, WebSocket) builds its payloads from these, so the three
// never drift apart.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "chat/types.hpp"

namespace parley::transport {

// An event as in REST responses and SSE data: the object of API.md's table with
// `kind` added.
boost::json::object event_json(const chat::Event& e);
boost::json::object room_json(const chat::Room& r);
boost::json::object user_ref_json(const chat::UserRef& u);

}  // namespace parley::transport
