#pragma once
// A user's own channel in the hub: notices meant for a person rather than a room
// (a direct message arriving, a random-chat match, a chat ended) reach every live
// connection of that user, on any shard. Channel names start with '@', which no
// room id can (ids are [A-Za-z0-9_-]), so they never collide with rooms.
#include <string>
#include <string_view>

#include "chat/types.hpp"
#include "hub/hub.hpp"

namespace parley::transport {

inline std::string user_channel(std::string_view user_id) {
  std::string ch = "@";
  ch += user_id;
  return ch;
}

// Publishes a transient notice to the user's connections: `payload` is one JSON
// object with a `type` field, sent as is over WebSocket and as the data of an SSE
// event named `type` on /api/events.
void notify_user(hub::Hub& hub, const chat::UserId& user, std::string_view type,
                 const std::string& payload);

}  // namespace parley::transport
