#pragma once
// Browser sessions, guests and SINGLE_SESSION. A session is a random token the
// browser keeps in a cookie; the store keeps only its SHA-256, so a leaked database
// holds no usable session. Formatting the cookie is the HTTP layer's.
//
// SINGLE_SESSION (API.md): a user's newest realtime connection ends the older ones,
// as chat-server does. The connections that take part are those that carry the
// user's own notices, the WebSocket (/api/ws) and /api/events; each takes a serial
// when it starts listening to its user channel and publishes a kick carrying it. The
// kick reaches every connection of the user through the bus, like any notice; a
// connection obeys a kick whose serial is newer than its own and ignores the others
// (its own kick, or that of an older connection whose kick arrived late), so no two
// connections kick each other.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "chat/error.hpp"
#include "chat/types.hpp"
#include "service/context.hpp"
#include "service/identity.hpp"

namespace parley::service {

// What a kicked connection is told (`reason` of the `kicked` event).
inline constexpr std::string_view k_kick_reason = "another connection of this user opened";

class Sessions {
 public:
  explicit Sessions(Context& ctx) : ctx_(ctx) {}

  // A new session of `user`, lasting options.session_ttl: its token.
  boost::asio::awaitable<chat::Result<std::string>> start(const chat::UserId& user);
  // Who the session of `token` belongs to; unauthorized when it is unknown or expired.
  boost::asio::awaitable<chat::Result<Identity>> resolve(const std::string& token);
  // Ends the session of `token` (signing out); an unknown one is no error.
  boost::asio::awaitable<chat::Result<void>> end(const std::string& token);

  // Creates a guest account named `name`, or `name-xxxx` when the name is taken: a
  // guest has no password to prove a name with, so a clash is not an error.
  boost::asio::awaitable<chat::Result<chat::User>> create_guest(const std::string& name);

  // Instance-wide, increasing: orders connections by when they started listening.
  static std::uint64_t next_serial();
  // Tells every connection of `user` older than `serial` to close (when
  // SINGLE_SESSION is on; nothing otherwise).
  void kick_older(const chat::UserId& user, std::uint64_t serial);

 private:
  Context& ctx_;
};

}  // namespace parley::service
