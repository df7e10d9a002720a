#pragma once
// Messages: posting, editing, deleting, reactions, and reading a room's log. Shared
// by REST, WebSocket and the pages, so each validates, limits and publishes
// identically (room_log.hpp says in which order).
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "chat/error.hpp"
#include "chat/types.hpp"
#include "service/context.hpp"
#include "service/identity.hpp"
#include "service/room_log.hpp"
#include "service/rooms.hpp"
#include "store/store.hpp"

namespace parley::service {

class Messages {
 public:
  Messages(Context& ctx, RoomLog& log, Rooms& rooms) : ctx_(ctx), log_(log), rooms_(rooms) {}

  // Posting to a public room one has not joined joins it first. A message in a
  // direct room also reaches the other member's connections as a `chat` notice.
  boost::asio::awaitable<chat::Result<Appended>> post(const Identity& who, const std::string& room,
                                                      const std::string& text,
                                                      const std::string& client_id);
  boost::asio::awaitable<chat::Result<Appended>> edit(const Identity& who, const std::string& room,
                                                      chat::Seq seq, const std::string& text);
  boost::asio::awaitable<chat::Result<Appended>> remove(const Identity& who,
                                                        const std::string& room, chat::Seq seq);
  boost::asio::awaitable<chat::Result<Appended>> react(const Identity& who, const std::string& room,
                                                       chat::Seq seq, const std::string& emoji);

  // A page of a room's log. The caller has checked that its user may view the room
  // (Rooms::viewable): the log itself does not know who asks.
  boost::asio::awaitable<chat::Result<store::HistoryPage>> history(const store::HistoryQuery& q);
  // What happened since to the messages first..last of a room (edited, deleted,
  // reacted to), by seq; the same precondition as history().
  boost::asio::awaitable<chat::Result<std::vector<store::MessageAnnotation>>> annotations(
      const chat::RoomId& room, chat::Seq first, chat::Seq last);

 private:
  // After a message in a direct room: tells the other member's connections.
  boost::asio::awaitable<void> notify_direct(const chat::Event& e);

  Context& ctx_;
  RoomLog& log_;
  Rooms& rooms_;
};

}  // namespace parley::service
