#include "service/notices.hpp"

#include <boost/json/serialize.hpp>

#include "bus/channels.hpp"

namespace parley::service {

namespace json = boost::json;

void notify_user(bus::Bus& bus, const chat::UserId& user, std::string_view type,
                 const std::string& payload) {
  bus.publish_notice({bus::user_channel(user), std::string(type), payload, payload});
}

void announce_public_room(bus::Bus& bus, std::string_view type, const chat::RoomId& room) {
  auto payload = json::serialize(json::object{{"type", type}, {"room", room}});
  bus.publish_notice({bus::k_public_rooms_channel, std::string(type), payload, payload});
}

void announce_joined(bus::Bus& bus, const chat::UserId& user, const chat::RoomId& room) {
  notify_user(bus, user, "joined",
              json::serialize(json::object{{"type", "joined"}, {"room", room}}));
}

void notify_room(bus::Bus& bus, const chat::RoomId& room, std::string_view type, std::string ws,
                 std::string sse) {
  bus.publish_notice({room, std::string(type), std::move(ws), std::move(sse)});
}

}  // namespace parley::service
