#pragma once
// The middle of a room's page, main#room: the message list with its live stream, the
// typing line and the composer. /rooms/{id} and /random (a random chat) both show a
// room this way. Implemented in room_page.cpp; names in docs/web-dom-contract.md.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "chat/error.hpp"
#include "chat/types.hpp"
#include "store/store.hpp"
#include "web/web.hpp"

namespace parley::web {

// The newest page of a room's log and its HTML as the message list shows it.
struct RoomLog {
  store::HistoryPage history;
  std::string html;
};
boost::asio::awaitable<chat::Result<RoomLog>> latest_log(const Web& web, const chat::RoomId& room);
// The log around a member's read marker: a few messages up to `read_seq`, then
// div#unread-divider and the first page after it; when more follow, div#newer-sentinel,
// which loads them page by page up to the room's end as of this read.
// history.last_seq is that end, where the page's stream starts.
boost::asio::awaitable<chat::Result<RoomLog>> unread_log(const Web& web, const chat::RoomId& room,
                                                         chat::Seq read_seq);

// main#room for `me`; `members` are the room's (the viewer's read marker, and in a
// two-person room the peer's for "Seen").
void append_room_main(std::string& body, const Web& web, const chat::Room& room,
                      std::string_view title, const RoomLog& log,
                      const std::vector<chat::Member>& members, const chat::UserRef& me);

}  // namespace parley::web
