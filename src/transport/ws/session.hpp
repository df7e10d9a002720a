#pragma once
// One WebSocket client (API.md "WebSocket"): reads JSON frames and answers them,
// follows the rooms it subscribes to, and sends queued output as one text frame
// per flush with the frames joined by "\n". Lives on one shard; kept alive by its
// pending socket operations and the frames it is handling.
//
// Frames are handled in the order they arrive, one at a time, except `send`: up to
// k_max_sends_in_flight sends are stored at once (a fast publisher is not held to
// one store round trip per message), and their acks and errors still go out in the
// order of the sends. Any other frame waits until the sends before it are done.
// Past the in-flight bound the session stops reading: TCP pushes back.
#include <boost/asio/ip/tcp.hpp>
#include <string>

#include "hub/shard.hpp"
#include "service/context.hpp"
#include "service/identity.hpp"
#include "transport/service.hpp"

namespace parley::transport {

constexpr int k_max_sends_in_flight = 32;

// Takes over an upgraded connection: writes `accept_response` (the 101 answer to
// the upgrade request, authenticated as `who`), then serves the client.
// `early_bytes` are bytes the client sent after its request, already read.
void start_ws_session(Services& services, hub::Shard& shard, boost::asio::ip::tcp::socket socket,
                      std::string accept_response, std::string early_bytes, Identity who);

}  // namespace parley::transport
