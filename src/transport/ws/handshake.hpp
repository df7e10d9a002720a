#pragma once
// The server's half of the WebSocket opening handshake (RFC 6455 4.2): checking an
// upgrade request and writing the 101 answer.
#include <optional>
#include <string>
#include <string_view>

#include "chat/error.hpp"
#include "transport/rest/rest.hpp"

namespace parley::transport::ws {

// The Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key.
std::string accept_key(std::string_view client_key);

// For a well-formed upgrade request (GET, HTTP/1.1, Upgrade: websocket,
// Connection: upgrade, Sec-WebSocket-Version: 13, a 16-byte base64 key): the 101
// response to send, head only. Otherwise the error response to send instead
// (400, or 426 with the version this server speaks).
struct Upgrade {
  std::optional<std::string> accept_response;
  std::optional<rest::Response> refusal;
};
Upgrade check_upgrade(const rest::Request& req);

}  // namespace parley::transport::ws
