#pragma once
// The page shell (head, assets, theme) and the app frame around a room: sidebar
// with rooms and direct messages, top bar, the new-room dialog. Names and ids in
// docs/web-dom-contract.md.
#include <string>
#include <string_view>
#include <vector>

#include "chat/types.hpp"
#include "web/web.hpp"

namespace parley::web {

// A whole document. `user` is null on pages for signed-out visitors, which get the
// styles and the theme script only; signed-in pages get htmx and the app's scripts
// and carry the viewer in <body data-user>.
std::string page(const Web& web, std::string_view title, const chat::UserRef* user,
                 std::string_view body);

// What append_sidebar's `current` is on the random-chat page (no room id has a '/').
inline constexpr std::string_view k_random_page = "/random";

// nav#sidebar: group rooms (public ones and the user's private ones) with unread
// badges, then the user's direct messages, then the Random chat link; `current` is
// the open room's id, k_random_page, or "".
void append_sidebar(std::string& out, const std::vector<chat::RoomSummary>& rooms,
                    std::string_view current, const chat::UserRef& me);
// header#topbar for the open room (null: none open). `member`: leave is offered.
void append_topbar(std::string& out, const chat::Room* room, std::string_view title, bool member);
void append_new_room_dialog(std::string& out);

// What a direct room is called for one of its two members: the other's name.
std::string direct_room_title(const chat::Room& room, const chat::UserRef& me);

}  // namespace parley::web
