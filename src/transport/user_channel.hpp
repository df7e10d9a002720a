#pragma once
// A user's own channel in the hub: notices meant for a person rather than a room
// (a direct message arriving, a room joined, a random-chat match, a chat ended)
// reach every live connection of that user, on any shard. Channel names start with
// '@', which no room id can (ids are [A-Za-z0-9_-]), so they never collide with rooms.
#include <string>
#include <string_view>

#include "chat/types.hpp"
#include "hub/hub.hpp"

namespace parley::transport {

inline constexpr char k_user_channel_prefix = '@';

inline std::string user_channel(std::string_view user_id) {
  std::string ch(1, k_user_channel_prefix);
  ch += user_id;
  return ch;
}

// Whether `channel` is user_channel(user_id), without building the name: asked for
// every delivery a session receives.
inline bool is_user_channel(std::string_view channel, std::string_view user_id) {
  return channel.size() == user_id.size() + 1 && channel.front() == k_user_channel_prefix &&
         channel.substr(1) == user_id;
}

// Publishes a transient notice to the user's connections: `payload` is one JSON
// object with a `type` field, sent as is over WebSocket and as the data of an SSE
// event named `type` on /api/events.
void notify_user(hub::Hub& hub, const chat::UserId& user, std::string_view type,
                 const std::string& payload);

// The directory of public rooms: every page's own stream (user_feed.hpp) hears when
// one is created (`public_room`) or deleted (`room_deleted`), {type, room}, so the
// sidebars that list public rooms stay true without a reload. '~' starts no room id
// and no user channel.
inline const std::string k_public_rooms_channel = "~public";
void announce_public_room(hub::Hub& hub, std::string_view type, const chat::RoomId& room);

// The `joined` notice {type:"joined", room}: the user became a member of `room` (a
// join, an invite, a room they created), so their streams follow it from now on.
void announce_joined(hub::Hub& hub, const chat::UserId& user, const chat::RoomId& room);

}  // namespace parley::transport
