// The random-chat page (go-random-chat's "find someone"): GET /random and the form
// posts it makes. One URL for the whole flow, so a reload lands where the user is:
// in their random chat if they have one (the room shown like any room: the list,
// its live stream, the composer), else the lobby with "Find someone".
//
// The queue itself is Services's. A form post has no connection to tie a waiting
// user to, so the page's own stream (/events?random=1, user_feed.hpp) holds the
// user's place: closing the page leaves the queue. Matches and the end of a chat
// reach the page on that stream (`matched`, `chat_ended`); static/js/random.js acts
// on them. Same-origin and CSRF rules are the other page forms' (form_routes.cpp).
#include <boost/beast/http/field.hpp>

#include "web/html.hpp"
#include "web/layout.hpp"
#include "web/room_view.hpp"
#include "web/web.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace bh = boost::beast::http;
namespace rest = transport::rest;

namespace {

// The page's stream: the unread badges' feed, holding the queue place too.
constexpr std::string_view k_feed = "/events?random=1";

// The user's random chat, if any. A random room is deleted when either side leaves,
// so any the user is still in is the current one (at most one: the page asks for a
// match only when there is none).
const chat::Room* current_chat(const std::vector<chat::RoomSummary>& rooms) {
  for (const auto& r : rooms) {
    if (r.room.kind == chat::RoomKind::random) return &r.room;
  }
  return nullptr;
}

asio::awaitable<chat::Result<std::vector<chat::RoomSummary>>> rooms_of(const Web& web,
                                                                       const chat::UserId& user) {
  co_return co_await web.s.rooms.list(user);
}

void append_lobby(std::string& out, bool left) {
  out +=
      "<main id=\"random\" class=\"random-lobby\">"
      "<section id=\"random-idle\" class=\"random-card\" aria-labelledby=\"random-title\">"
      "<h2 id=\"random-title\">Talk to a stranger</h2>"
      "<p>Meet someone else who is looking right now and chat one to one. Either of you "
      "can leave at any time, and the chat is deleted when it ends.</p>";
  if (left) out += "<p class=\"random-note\" role=\"status\">You left the chat.</p>";
  out +=
      "<form id=\"find-form\" method=\"post\" action=\"/random/find\">"
      "<button type=\"submit\" id=\"find\" class=\"primary\">Find someone</button></form>"
      "</section>"
      "<section id=\"random-waiting\" class=\"random-card\" hidden>"
      "<div class=\"random-pulse\" aria-hidden=\"true\"></div>"
      "<p id=\"random-status\" role=\"status\">Looking for someone…</p>"
      "<p class=\"random-hint\">Keep this page open: you are matched as soon as someone "
      "else looks.</p>"
      "<form id=\"cancel-form\" method=\"post\" action=\"/random/cancel\">"
      "<button type=\"submit\" id=\"cancel\">Cancel</button></form></section>"
      "<p id=\"random-error\" class=\"error\" role=\"alert\" hidden></p></main>";
}

// Shown by random.js when the chat ends while the page is open.
void append_ended(std::string& out, const chat::UserRef& peer) {
  out += "<div id=\"chat-ended\" class=\"random-ended\" role=\"status\" hidden";
  attr(out, "data-peer-name", peer.name);
  out +=
      "><p class=\"random-ended-text\"></p><form id=\"find-again-form\" method=\"post\" "
      "action=\"/random/find\"><button type=\"submit\" id=\"find-again\" class=\"primary\">"
      "Find someone new</button></form></div>";
}

asio::awaitable<rest::Response> random_page(const Web& web, rest::Context& c) {
  auto& s = web.s;
  const chat::UserRef& me = c.who->user;
  auto rooms = co_await rooms_of(web, me.id);
  if (!rooms) co_return error_text(c.req, rooms.error());
  const chat::Room* room = current_chat(*rooms);

  std::string body = "<div id=\"app\" class=\"random-app\">";
  append_sidebar(body, *rooms, k_random_page, me);
  body += "<div id=\"main\"";
  attr(body, "data-feed", k_feed);
  body += '>';
  if (room == nullptr) {
    append_topbar(body, nullptr, "Random chat", false);
    append_lobby(body, c.query("left") == "1");
    body += "</div></div>";
    append_new_room_dialog(body);
    co_return html_response(c.req, page(web, "Random chat", &me, body));
  }

  const chat::RoomId room_id = room->id;
  auto members = co_await s.rooms.members(room_id);
  if (!members) co_return error_text(c.req, members.error());
  auto log = co_await latest_log(web, room_id);
  if (!log) co_return error_text(c.req, log.error());
  chat::UserRef peer{"", "someone", ""};
  for (const auto& m : *members) {
    if (m.user.id != me.id) peer = m.user;
  }
  append_topbar(body, room, peer.name, true);
  append_room_main(body, web, *room, peer.name, *log, *members, me);
  append_ended(body, peer);
  body += "</div></div>";
  append_new_room_dialog(body);
  co_return html_response(c.req, page(web, "Random chat", &me, body));
}

// 200 with `state` for the page's script; back to the page for a plain form post.
rest::Response answer(const rest::Request& req, std::string_view state) {
  return from_script(req) ? text_response(req, bh::status::ok, state) : see_other(req, "/random");
}

}  // namespace

void add_random_routes(std::vector<rest::Route>& out, const WebPtr& web) {
  out.push_back({bh::verb::get, "/random", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   co_return co_await random_page(*web, c);
                 }});

  // Joins the queue (idempotent), unless the user already has a chat: then that is
  // the answer, so a page that asks again (a reload, a reconnect) never queues a
  // user who is already talking. Answers `matched` or `waiting`.
  out.push_back({bh::verb::post, "/random/find", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   auto rooms = co_await rooms_of(*web, c.who->user.id);
                   if (!rooms) co_return error_text(c.req, rooms.error());
                   if (current_chat(*rooms) != nullptr) co_return answer(c.req, "matched");
                   auto r = co_await web->s.matching.join(*c.who);
                   if (!r) co_return error_text(c.req, r.error());
                   co_return answer(c.req, r->matched ? "matched" : "waiting");
                 }});

  out.push_back({bh::verb::post, "/random/cancel", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   web->s.matching.leave(c.who->user.id);
                   co_return from_script(c.req) ? no_content(c.req) : see_other(c.req, "/random");
                 }});

  // Ends the chat in `room` for both sides. A chat that already ended (the other side
  // left first) is not an error: either way the user is back in the lobby.
  out.push_back({bh::verb::post, "/random/leave", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   const std::string room_id = form_field(c.req.body(), "room");
                   auto room = co_await web->s.rooms.viewable(*c.who, room_id);
                   if (room && room->kind == chat::RoomKind::random) {
                     auto r = co_await web->s.rooms.leave(*c.who, room_id);
                     if (!r && r.error().kind != chat::ErrorKind::not_found) {
                       co_return error_text(c.req, r.error());
                     }
                   }
                   co_return see_other(c.req, "/random?left=1");
                 }});
}

}  // namespace parley::web
