#pragma once
// One WebSocket client (API.md "WebSocket"): reads JSON frames and answers them,
// follows the rooms it subscribes to, and sends queued output as one text frame
// per flush with the frames joined by "\n". Lives on one shard; kept alive by its
// own read loop and pending operations.
#include <boost/beast/core/tcp_stream.hpp>

#include "hub/shard.hpp"
#include "transport/identity.hpp"
#include "transport/rest/rest.hpp"
#include "transport/services.hpp"

namespace parley::transport {

class ChatService;

// Takes over an upgraded connection. `req` is the upgrade request, already
// authenticated as `who`.
void start_ws_session(ChatService& chat, hub::Shard& shard, boost::beast::tcp_stream stream,
                      rest::Request req, Identity who);

}  // namespace parley::transport
