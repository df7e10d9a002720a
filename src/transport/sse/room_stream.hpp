#pragma once
// One Server-Sent Events client following one room (API.md "Server-Sent Events"):
// `retry:` once, every event with `id: <seq>`, a `: ping` comment at least every
// SSE_PING_SECONDS, and on shutdown a short `retry:` before the stream ends so the
// browser comes back soon. Lives on one shard.
#include <boost/beast/core/tcp_stream.hpp>

#include "chat/types.hpp"
#include "hub/frames.hpp"
#include "hub/shard.hpp"
#include "service/identity.hpp"
#include "transport/service.hpp"

namespace parley::transport {

// Takes over the connection after the request was authorised for `room`. Frames
// with seq > after are sent (after = the resume point or the room's last seq).
void start_sse_session(Services& services, hub::Shard& shard, boost::beast::tcp_stream stream,
                       chat::RoomId room, chat::Seq after, hub::Format format, Identity who);

// The caller's own stream (GET /api/events) is user_stream.hpp.

}  // namespace parley::transport
