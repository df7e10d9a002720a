#pragma once
// The caller's own stream, GET /api/events (API.md): SSE-JSON events named by their
// type from the user's channel (bus/channels.hpp): `chat` (direct messages),
// `matched`, `chat_ended`, `joined`, `kicked`; and `unread` {room, unread, read_seq,
// last_seq} for the user's member rooms (MemberRooms follows them).
//
// Unread counts: when the stream starts, one `unread` per member room, counted by the
// store after the stream subscribed to the room (so no change falls between); then
// one whenever a room's count changes, kept exact from the live events
// (unread_counts.hpp). A room joined, a new direct room or a random chat announced
// on the user's channel is followed and counted from then on; a room the user leaves
// (or a random chat that ends) is dropped. `unread` events carry no id.
//
// Direct messages are not lost while the stream is closed: on connect it first sends
// the DMs the user has not read (the set `get_offline` returns, oldest first), then
// the live ones, with nothing falling between (it listens before it reads, and a DM
// both read and heard is sent once, by (room, seq)). Every `chat` event carries an
// `id:` (dm_cursor.hpp); a reconnect's Last-Event-ID, or `?since=` with the same
// value, skips the DMs up to it. Transient notices carry no id.
// Lives on one shard.
#include <boost/beast/core/tcp_stream.hpp>
#include <string_view>

#include "hub/shard.hpp"
#include "service/identity.hpp"
#include "transport/service.hpp"

namespace parley::transport {

// `resume` is the client's Last-Event-ID (or `since`); empty or not a cursor: the
// stream starts with every unread DM.
void start_user_stream(Services& services, hub::Shard& shard, boost::beast::tcp_stream stream,
                       Identity who, std::string_view resume);

}  // namespace parley::transport
