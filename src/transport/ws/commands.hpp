#pragma once
// The WebSocket protocol's commands (API.md, WebSocket): the table that maps a
// client frame's `type` to its service call, with the checks every frame gets (its
// fields, by JsonInput, an unknown one named in the error). The framing and the
// connection are session.hpp's; a command sees the connection only through
// Connection. Shard thread only, like the session that runs it.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "chat/error.hpp"
#include "chat/types.hpp"
#include "transport/service.hpp"

namespace parley::transport::ws {

// What a command may do to the connection that received it.
class Connection {
 public:
  virtual const Identity& who() const = 0;
  virtual Services& services() = 0;
  // Queues a frame to the client.
  virtual void send_json(const boost::json::object& o) = 0;
  // The connection closed meanwhile (a command resumed after a store call).
  virtual bool is_closed() const = 0;
  virtual bool is_following(const std::string& room) const = 0;
  virtual void follow_room(const std::string& room, chat::Seq after) = 0;
  virtual void unfollow_room(const std::string& room) = 0;
  // This connection's place in the random-chat queue (0: none): closing the
  // connection that asked takes the user out of the queue.
  virtual void set_match_ticket(std::uint32_t ticket) = 0;

  // `{type:"error", code, content}`, with `room` and `client_id` copied from
  // `context` (the frame) when it has them, so a client can tell which frame failed.
  void send_error(const chat::Error& e, const boost::json::object* context = nullptr);

 protected:
  ~Connection() = default;
};

boost::json::object error_json(const chat::Error& e, const boost::json::object* context);

// Runs one frame other than `send` (an unknown type, a missing type and a frame
// that is not a JSON object are answered with an error). `frame` is consumed. By
// reference: see service/blocking.hpp on GCC 12 and temporaries in co_await.
boost::asio::awaitable<void> run_command(Connection& c, chat::Result<boost::json::object>& frame);

// `send` {type, room, text, client_id?}: the answer to give, its ack or the error.
// The session runs several at once and releases the answers in order.
boost::asio::awaitable<boost::json::object> run_send(Connection& c, boost::json::object& frame);

// Whether `frame` is of `type`.
bool is_type(const boost::json::object& frame, std::string_view type);

}  // namespace parley::transport::ws
