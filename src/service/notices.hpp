#pragma once
// The transient notices the services publish (bus::Notice), built in one place so
// every transport gets the same shapes (API.md). Any thread.
#include <string>
#include <string_view>

#include "bus/bus.hpp"
#include "chat/types.hpp"

namespace parley::service {

// To every connection of `user` (its bus::user_channel): `payload` is one JSON object
// with a `type` field, sent as is over WebSocket and as the data of an SSE event
// named `type` on /api/events.
void notify_user(bus::Bus& bus, const chat::UserId& user, std::string_view type,
                 const std::string& payload);

// To the public-room directory: `{type, room}` with type `public_room` (created) or
// `room_deleted`, so the sidebars that list public rooms stay true without a reload.
void announce_public_room(bus::Bus& bus, std::string_view type, const chat::RoomId& room);

// `{type:"joined", room}` to the user: they became a member of `room` (a join, an
// invite, a room they created), so their streams follow it from now on.
void announce_joined(bus::Bus& bus, const chat::UserId& user, const chat::RoomId& room);

// To the followers of `room`: `ws` is the WebSocket frame, `sse` the SSE data.
void notify_room(bus::Bus& bus, const chat::RoomId& room, std::string_view type, std::string ws,
                 std::string sse);

}  // namespace parley::service
