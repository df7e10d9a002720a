#include "transport/user_channel.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "transport/encode.hpp"

namespace parley::transport {

void notify_user(hub::Hub& hub, const chat::UserId& user, std::string_view type,
                 const std::string& payload) {
  hub.publish(encode_transient(user_channel(user), type, payload, payload));
}

void announce_public_room(hub::Hub& hub, std::string_view type, const chat::RoomId& room) {
  const auto payload = boost::json::serialize(boost::json::object{{"type", type}, {"room", room}});
  hub.publish(encode_transient(k_public_rooms_channel, type, payload, payload));
}

void announce_joined(hub::Hub& hub, const chat::UserId& user, const chat::RoomId& room) {
  notify_user(hub, user, "joined",
              boost::json::serialize(boost::json::object{{"type", "joined"}, {"room", room}}));
}

}  // namespace parley::transport
