#pragma once
// Rooms: creating, joining, leaving, who may see one, its members, invites, read
// markers and typing. Shared by REST, WebSocket and the pages, so each validates,
// limits and publishes identically.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "chat/error.hpp"
#include "chat/types.hpp"
#include "service/context.hpp"
#include "service/identity.hpp"
#include "service/matching.hpp"
#include "service/room_log.hpp"

namespace parley::service {

class Rooms {
 public:
  Rooms(Context& ctx, RoomLog& log, Matching& matching)
      : ctx_(ctx), log_(log), matching_(matching) {}

  // A new group room, `who` its owner and first member; like a join, the user's
  // connections are told (`joined`).
  boost::asio::awaitable<chat::Result<chat::Room>> create(const Identity& who,
                                                          const std::string& name,
                                                          chat::Visibility visibility);
  boost::asio::awaitable<chat::Result<Appended>> join(const Identity& who, const std::string& room);
  // Leaving a random chat ends it for both sides; a group room its last member left
  // is deleted and its followers are told (`room_deleted`).
  boost::asio::awaitable<chat::Result<Appended>> leave(const Identity& who,
                                                       const std::string& room);
  // The room if `who` may view it; not_found otherwise (private rooms don't leak).
  boost::asio::awaitable<chat::Result<chat::Room>> viewable(const Identity& who,
                                                            const std::string& room);
  // The user's rooms with their counts (store::Store::list_rooms: member rooms and
  // the public ones not joined).
  boost::asio::awaitable<chat::Result<std::vector<chat::RoomSummary>>> list(
      const chat::UserId& user);
  boost::asio::awaitable<chat::Result<std::vector<chat::Member>>> members(const chat::RoomId& room);

  // Moves the read marker forward and tells the room (transient `read`).
  boost::asio::awaitable<chat::Result<chat::Seq>> mark_read(const Identity& who,
                                                            const std::string& room, chat::Seq seq);
  // Transient typing notice to the room's subscribers.
  void typing(const Identity& who, const std::string& room, bool on);

  // An invite link's token for `room` (of which `who` must be a member), valid
  // until `expires_at`; the store keeps only its hash, like sessions.
  boost::asio::awaitable<chat::Result<std::string>> create_invite(const Identity& who,
                                                                  const chat::RoomId& room,
                                                                  chat::TimeMs expires_at);
  // Joins the room of an invite link (store::Store::redeem_invite); the raw token
  // from the link. not_found for a bad, used or expired link.
  boost::asio::awaitable<chat::Result<Appended>> redeem_invite(const Identity& who,
                                                               const std::string& token);

 private:
  Context& ctx_;
  RoomLog& log_;
  Matching& matching_;
};

}  // namespace parley::service
