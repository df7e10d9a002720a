#pragma once
// SINGLE_SESSION (API.md): a user's newest realtime connection on this instance ends
// the older ones, as chat-server does. The connections that take part are those that
// carry the user's own notices, the WebSocket (/api/ws) and /api/events; each takes
// a serial when it starts listening to its user channel (user_channel.hpp) and
// publishes a kick there carrying it. The kick reaches every connection of the user
// on every shard through the hub, like any notice; a connection obeys a kick whose
// serial is newer than its own and ignores the others (its own kick, or that of an
// older connection whose kick arrived late), so no two connections kick each other.
#include <cstdint>
#include <string_view>

#include "chat/types.hpp"
#include "hub/hub.hpp"

namespace parley::transport {

// What a kicked connection is told (`reason` of the `kicked` event).
inline constexpr std::string_view k_kick_reason = "another connection of this user opened";

// Instance-wide, increasing: orders connections by when they started listening.
std::uint64_t next_session_serial();

// Tells every connection of `user` older than `serial` to close: `{type:"kicked",
// reason}` over WebSocket, `event: kicked` with `{reason}` over SSE.
void kick_older_sessions(hub::Hub& hub, const chat::UserId& user, std::uint64_t serial);

}  // namespace parley::transport
