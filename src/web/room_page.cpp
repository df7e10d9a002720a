// The app's pages: GET / (the newest room), GET /rooms/{id} (a room: sidebar, last
// messages, members, composer, live over /rooms/{id}/events), GET and POST /dm/{user_id};
// and the fragments the room page loads: older and newer messages and the member list.
#include <boost/beast/http/field.hpp>
#include <charconv>
#include <limits>
#include <optional>

#include "chat/validate.hpp"
#include "web/fragments.hpp"
#include "web/html.hpp"
#include "web/layout.hpp"
#include "web/room_view.hpp"
#include "web/web.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace bh = boost::beast::http;
namespace rest = transport::rest;

namespace {

// Messages already read shown above the first unread one, when a room opens there.
constexpr int k_read_context = 10;

// A page of the log with what happened to its messages since, rendered for the list.
// Events after `through` are left out, and the page then has nothing more in its
// direction: a forward page stops where the page's stream starts.
asio::awaitable<chat::Result<std::pair<store::HistoryPage, std::string>>> log_page(
    const Web& web, const store::HistoryQuery& q,
    chat::Seq through = std::numeric_limits<chat::Seq>::max()) {
  auto& s = web.s;
  auto page = co_await s.messages.history(q);
  if (!page) co_return page.error();
  if (!page->events.empty() && page->events.back().seq > through) {
    std::erase_if(page->events, [&](const chat::Event& e) { return e.seq > through; });
    page->has_more = false;
  }
  std::vector<store::MessageAnnotation> notes;
  if (!page->events.empty()) {
    const chat::Seq first = page->events.front().seq;
    const chat::Seq last = page->events.back().seq;
    auto n = co_await s.messages.annotations(q.room, first, last);
    if (!n) co_return n.error();
    notes = std::move(*n);
  }
  std::string html = render_log(page->events, notes);
  co_return std::pair{std::move(*page), std::move(html)};
}

// The top of the list: a sentinel that loads the page before `before` when it
// scrolls into view, or the start of the room when there is nothing older.
void append_list_top(std::string& out, const chat::Room& room, bool has_more, chat::Seq before,
                     std::string_view title) {
  if (has_more) {
    out +=
        "<div id=\"scrollback-sentinel\" class=\"sentinel\" hx-trigger=\"intersect once\" "
        "hx-swap=\"outerHTML\"";
    attr(out, "hx-get", "/rooms/" + room.id + "/history?before=" + std::to_string(before));
    out += "><span class=\"spinner\" aria-hidden=\"true\"></span> Loading older messages…</div>";
  } else if (room.kind == chat::RoomKind::random) {
    // No name: scrollback renders this too, and knows the room, not the peer.
    out +=
        "<p class=\"room-start\">You are now chatting with a stranger who was looking too. "
        "Say hi!</p>";
  } else {
    out += "<p class=\"room-start\">This is the very beginning of <strong>";
    escaped(out, title);
    out += "</strong>.</p>";
  }
}

// Where the list's loaded messages stop short of the page's stream (which starts
// after `until`): a sentinel that loads the page after `after` when it scrolls into
// view, up to `until` at most. data-after is how far the list is complete, for the
// read marker (unread.js).
void append_newer_sentinel(std::string& out, const chat::RoomId& room, chat::Seq after,
                           chat::Seq until) {
  const std::string a = std::to_string(after);
  const std::string u = std::to_string(until);
  out +=
      "<div id=\"newer-sentinel\" class=\"sentinel\" hx-trigger=\"intersect once\" "
      "hx-swap=\"outerHTML\"";
  attr(out, "hx-get", "/rooms/" + room + "/history?after=" + a + "&until=" + u);
  attr(out, "data-after", a);
  attr(out, "data-until", u);
  out += "><span class=\"spinner\" aria-hidden=\"true\"></span> Loading newer messages…</div>";
}

// A seq in the query string, at least `min`; nullopt when absent or malformed.
std::optional<chat::Seq> seq_param(const rest::Context& c, std::string_view name, chat::Seq min) {
  const std::string v = c.query(name);
  chat::Seq seq = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), seq);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || seq < min) return std::nullopt;
  return seq;
}

void append_members(std::string& out, const Web& web, const std::vector<chat::Member>& members,
                    const chat::UserRef& me) {
  out += "<h2 id=\"members-heading\">Members <span class=\"count\">" +
         std::to_string(members.size()) + "</span></h2><ul aria-labelledby=\"members-heading\">";
  for (const auto& m : members) {
    // The viewer is online by looking at this: the page's stream, which makes them
    // so on the server, opens only after the page has loaded.
    const bool online = m.user.id == me.id || web.s.presence.online(m.user.id);
    out += "<li";
    attr(out, "data-user", m.user.id);
    attr(out, "data-name", m.user.name);
    attr(out, "data-read", std::to_string(m.read_seq));
    out += online ? "><span class=\"dot online\" role=\"img\" aria-label=\"online\"></span>"
                  : "><span class=\"dot\" role=\"img\" aria-label=\"offline\"></span>";
    out += "<span class=\"name\">";
    escaped(out, m.user.name);
    out += "</span>";
    if (m.owner) out += "<span class=\"tag\">owner</span>";
    if (m.user.id == me.id) {
      out += "<span class=\"tag\">you</span>";
    } else {
      out += "<a class=\"dm-link\"";
      attr(out, "href", "/dm/" + m.user.id);
      attr(out, "aria-label", "Message " + m.user.name);
      attr(out, "title", "Message " + m.user.name);
      out += "><span aria-hidden=\"true\">&#9993;</span></a>";
    }
    out += "</li>";
  }
  out += "</ul>";
}

rest::Response not_found_page(const Web& web, const rest::Request& req, const chat::UserRef& me) {
  std::string body =
      "<main class=\"notice\"><h1>No such room</h1><p>It may have been deleted, or it is "
      "private and you are not in it.</p><p><a href=\"/\">Back to your rooms</a></p></main>";
  return html_response(req, page(web, "Not found", &me, body), bh::status::not_found);
}

asio::awaitable<rest::Response> room_page(const Web& web, rest::Context& c,
                                          const std::string& room_id) {
  auto& s = web.s;
  const chat::UserRef& me = c.who->user;
  auto room = co_await web.s.rooms.viewable(*c.who, room_id);
  if (!room) co_return not_found_page(web, c.req, me);
  // A random chat has its own page, with the leave-and-find-again flow around it.
  if (room->kind == chat::RoomKind::random) co_return see_other(c.req, "/random");
  auto rooms = co_await s.rooms.list(me.id);
  if (!rooms) co_return error_text(c.req, rooms.error());
  auto members = co_await s.rooms.members(room->id);
  if (!members) co_return error_text(c.req, members.error());
  // A member with unread messages opens the room where they start; anyone else on
  // the newest page.
  const chat::RoomSummary* mine = nullptr;
  for (const auto& r : *rooms) {
    if (r.room.id == room->id) mine = &r;
  }
  chat::Result<RoomLog> log;
  if (mine != nullptr && mine->unread > 0) {
    log = co_await unread_log(web, room->id, mine->read_seq);
  } else {
    log = co_await latest_log(web, room->id);
  }
  if (!log) co_return error_text(c.req, log.error());

  bool member = false;
  for (const auto& m : *members) member = member || m.user.id == me.id;
  const std::string title =
      room->kind == chat::RoomKind::direct ? direct_room_title(*room, me) : room->name;

  std::string body = "<div id=\"app\">";
  append_sidebar(body, *rooms, room->id, me);
  body += "<div id=\"main\">";
  append_topbar(body, &*room, title, member);
  append_room_main(body, web, *room, title, *log, *members, me);
  body += "</div>";
  body +=
      // Reloaded when someone joins or leaves (live.js); online dots change live,
      // from the stream's `presence` notices.
      "<aside id=\"members\" aria-labelledby=\"members-heading\" hx-trigger=\"parley-members\" "
      "hx-swap=\"innerHTML\"";
  attr(body, "hx-get", "/rooms/" + room->id + "/members");
  body += '>';
  append_members(body, web, *members, me);
  body += "</aside></div>";
  append_new_room_dialog(body);
  co_return html_response(c.req, page(web, title, &me, body));
}

}  // namespace

asio::awaitable<chat::Result<RoomLog>> latest_log(const Web& web, const chat::RoomId& room) {
  const store::HistoryQuery q{room, std::nullopt, std::nullopt,
                              web.s.options.limits.history_default};
  auto log = co_await log_page(web, q);
  if (!log) co_return log.error();
  co_return RoomLog{std::move(log->first), std::move(log->second)};
}

asio::awaitable<chat::Result<RoomLog>> unread_log(const Web& web, const chat::RoomId& room,
                                                  chat::Seq read_seq) {
  // Up to the marker: a little of what was read, for context; scrollback has the rest.
  const store::HistoryQuery seen_q{room, read_seq + 1, std::nullopt, k_read_context};
  auto seen = co_await log_page(web, seen_q);
  if (!seen) co_return seen.error();
  // After it: the first page of what was not.
  const store::HistoryQuery unseen_q{room, std::nullopt, read_seq,
                                     web.s.options.limits.history_default};
  auto unseen = co_await log_page(web, unseen_q);
  if (!unseen) co_return unseen.error();
  auto& [before, before_html] = *seen;
  auto& [after, after_html] = *unseen;

  RoomLog out;
  out.history.has_more = before.has_more;  // older than the window: scrollback
  out.history.earliest_seq = before.earliest_seq;
  // The page's stream starts at the room's end, live only: a long absence must not
  // push thousands of messages into the page at once. When the unread messages go
  // on past this page, a sentinel below it loads them a page at a time as the reader
  // scrolls down, up to exactly where the stream starts (nothing twice, nothing
  // missing); live events are appended after it.
  out.history.last_seq = after.last_seq;
  out.history.events = std::move(before.events);
  out.history.events.insert(out.history.events.end(), std::make_move_iterator(after.events.begin()),
                            std::make_move_iterator(after.events.end()));
  out.html = std::move(before_html);
  if (!after_html.empty()) {
    out.html += "<div id=\"unread-divider\" role=\"separator\"><span>New messages</span></div>";
  }
  out.html += after_html;
  if (after.has_more && !after.events.empty()) {
    append_newer_sentinel(out.html, room, after.events.back().seq, after.last_seq);
  }
  co_return out;
}

void append_room_main(std::string& body, const Web& web, const chat::Room& room,
                      std::string_view title, const RoomLog& log,
                      const std::vector<chat::Member>& members, const chat::UserRef& me) {
  bool member = false;
  chat::Seq read_seq = 0;
  const chat::Member* peer = nullptr;  // the other one of a two-person room, for "Seen"
  const bool two_person =
      room.kind == chat::RoomKind::direct || room.kind == chat::RoomKind::random;
  for (const auto& m : members) {
    if (m.user.id == me.id) {
      member = true;
      read_seq = m.read_seq;
    } else if (two_person) {
      peer = &m;
    }
  }
  const auto& history = log.history;
  // The room's state as of the render; the stream starts right after last_seq.
  const chat::Seq last_seq = history.last_seq;

  body += "<main id=\"room\"";
  attr(body, "data-room", room.id);
  attr(body, "data-room-name", title);
  attr(body, "data-kind", chat::to_string(room.kind));
  attr(body, "data-last-seq", std::to_string(last_seq));
  attr(body, "data-read-seq", std::to_string(read_seq));
  attr(body, "data-member", member ? "true" : "false");
  if (peer != nullptr) {
    attr(body, "data-peer", peer->user.id);
    attr(body, "data-peer-read", std::to_string(peer->read_seq));
  }
  body += "><div id=\"live\" hx-ext=\"sse\"";
  attr(body, "sse-connect", "/rooms/" + room.id + "/events?since=" + std::to_string(last_seq));
  body +=
      "><section id=\"messages\" aria-live=\"polite\" aria-relevant=\"additions\" "
      "aria-label=\"Messages\" tabindex=\"0\" sse-swap=\"message,member\" hx-swap=\"beforeend\">";
  const chat::Seq oldest = history.events.empty() ? last_seq + 1 : history.events.front().seq;
  append_list_top(body, room, history.has_more, oldest, title);
  body += log.html;
  body +=
      "</section><div id=\"stream-inbox\" hidden "
      "sse-swap=\"edit,delete,reaction,preview,typing,read,presence,reset,room_deleted\" "
      "hx-swap=\"none\">"
      "</div>"
      "</div><div id=\"typing\" aria-live=\"polite\"></div>";
  if (member && room.kind == chat::RoomKind::group &&
      room.visibility == chat::Visibility::private_room) {
    body +=
        "<div id=\"invite-panel\" class=\"panel\" hidden><label for=\"invite-link\">Invite link: "
        "anyone who opens it joins this room. It works once and expires in 30 days.</label>"
        "<div class=\"row\"><input id=\"invite-link\" readonly><button type=\"button\" "
        "id=\"invite-copy\">Copy</button><button type=\"button\" id=\"invite-close\" "
        "aria-label=\"Close\">&#10005;</button></div></div>";
  }
  body += "<form id=\"composer\" method=\"post\" hx-swap=\"none\"";
  attr(body, "action", "/rooms/" + room.id + "/messages");
  attr(body, "hx-post", "/rooms/" + room.id + "/messages");
  body += "><label for=\"composer-text\" class=\"sr-only\">";
  escaped(body, "Message " + std::string(title));
  body += "</label>";
  // Attachments (the media issue) plug in here, for rooms and random chats alike: an
  // attach control before the text that uploads to the media route and adds the
  // upload's id to this form (the API's `attachments` field), for POST
  // /rooms/{id}/messages to pass on. Until uploads exist, nothing is offered.
  body += "<textarea id=\"composer-text\" name=\"text\" rows=\"1\" required";
  std::string placeholder = room.kind == chat::RoomKind::group ? "Message #" + std::string(title)
                                                               : "Message " + std::string(title);
  if (!member) placeholder += " (sending joins the room)";
  attr(body, "placeholder", placeholder);
  attr(body, "maxlength", std::to_string(web.s.options.limits.max_msg_bytes));
  body +=
      "></textarea><input type=\"hidden\" name=\"client_id\"><button type=\"submit\" "
      "class=\"send\" aria-label=\"Send\"><span aria-hidden=\"true\">&#10148;</span></button>"
      "<p id=\"composer-error\" role=\"alert\" class=\"error\" hidden></p></form></main>";
}

void add_room_routes(std::vector<rest::Route>& out, const WebPtr& web) {
  out.push_back({bh::verb::get, "/", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   auto& s = web->s;
                   const chat::UserRef& me = c.who->user;
                   auto rooms = co_await s.rooms.list(me.id);
                   if (!rooms) co_return error_text(c.req, rooms.error());
                   // The list is newest activity first: the newest room the user can see.
                   if (!rooms->empty())
                     co_return see_other(c.req, "/rooms/" + rooms->front().room.id);
                   std::string body = "<div id=\"app\">";
                   append_sidebar(body, *rooms, "", me);
                   body += "<div id=\"main\">";
                   append_topbar(body, nullptr, "parley", false);
                   body +=
                       "<main id=\"room\" class=\"empty-state\"><h2>No rooms yet</h2><p>Start "
                       "one: public for everyone, or private for the people you invite.</p>"
                       "<button type=\"button\" class=\"primary open-new-room\">New room</button>"
                       "</main></div></div>";
                   append_new_room_dialog(body);
                   co_return html_response(c.req, page(*web, "Welcome", &me, body));
                 }});

  out.push_back({bh::verb::get, "/rooms/{id}", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   co_return co_await room_page(*web, c, c.params["id"]);
                 }});

  // The sentinels' pages: `before` the page before it (scrollback), or `after` the
  // page after it up to `until` at most (a room opened at its first unread message,
  // up to where the page's stream starts).
  out.push_back(
      {bh::verb::get, "/rooms/{id}/history", rest::Access::page,
       [web](rest::Context& c) -> asio::awaitable<rest::Response> {
         auto room = co_await web->s.rooms.viewable(*c.who, c.params["id"]);
         if (!room) co_return error_text(c.req, room.error());
         const int limit = web->s.options.limits.history_default;
         std::string out;
         if (c.has_query("after")) {
           const auto after = seq_param(c, "after", 0);
           const auto until = seq_param(c, "until", 1);
           if (!after || !until || *until <= *after) {
             co_return text_response(c.req, bh::status::bad_request,
                                     "after must be a seq, and until a seq after it");
           }
           const store::HistoryQuery q{room->id, std::nullopt, *after, limit};
           auto log = co_await log_page(*web, q, *until);
           if (!log) co_return error_text(c.req, log.error());
           const auto& [history, messages] = *log;
           out = messages;
           if (history.has_more && !history.events.empty() && history.events.back().seq < *until) {
             append_newer_sentinel(out, room->id, history.events.back().seq, *until);
           }
           co_return html_response(c.req, std::move(out));
         }
         const auto before = seq_param(c, "before", 1);
         if (!before)
           co_return text_response(c.req, bh::status::bad_request, "before must be a seq");
         const store::HistoryQuery q{room->id, *before, std::nullopt, limit};
         auto log = co_await log_page(*web, q);
         if (!log) co_return error_text(c.req, log.error());
         const auto& [history, messages] = *log;
         const chat::Seq oldest = history.events.empty() ? *before : history.events.front().seq;
         const std::string title = room->kind == chat::RoomKind::direct
                                       ? direct_room_title(*room, c.who->user)
                                       : room->name;
         append_list_top(out, *room, history.has_more, oldest, title);
         out += messages;
         co_return html_response(c.req, std::move(out));
       }});

  out.push_back({bh::verb::get, "/rooms/{id}/members", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   auto room = co_await web->s.rooms.viewable(*c.who, c.params["id"]);
                   if (!room) co_return error_text(c.req, room.error());
                   auto members = co_await web->s.rooms.members(room->id);
                   if (!members) co_return error_text(c.req, members.error());
                   std::string out;
                   append_members(out, *web, *members, c.who->user);
                   co_return html_response(c.req, std::move(out));
                 }});

  // The direct room with a user. GET only looks: it opens the room the two already
  // share, or offers to start one, so that a link from another site or a prefetch
  // cannot add a room to anyone's list. Starting it is a POST (which the HTTP layer
  // refuses from another origin, like every cookie-authenticated post).
  out.push_back({bh::verb::get, "/dm/{user_id}", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   auto& s = web->s;
                   const chat::UserRef& me = c.who->user;
                   const std::string other_id = c.params["user_id"];
                   if (other_id == me.id || !chat::is_valid_id(other_id)) {
                     co_return not_found_page(*web, c.req, me);
                   }
                   auto other = co_await s.accounts.user(other_id);
                   if (!other) co_return not_found_page(*web, c.req, me);
                   auto shared = co_await s.direct.shared_room(me.id, other_id);
                   if (!shared) co_return error_text(c.req, shared.error());
                   if (*shared) co_return see_other(c.req, "/rooms/" + **shared);
                   std::string body = "<main class=\"notice\"><h1>";
                   escaped(body, "Message " + other->name);
                   body += "</h1><p>You have no conversation with <strong>";
                   escaped(body, other->name);
                   body += "</strong> yet.</p><form id=\"start-dm\" method=\"post\"";
                   attr(body, "action", "/dm/" + other_id);
                   body +=
                       "><button type=\"submit\" class=\"primary\">Start conversation</button>"
                       "</form><p><a href=\"/\">Back to your rooms</a></p></main>";
                   co_return html_response(c.req, page(*web, "Message " + other->name, &me, body));
                 }});

  // Starts (or reopens) the direct room with a user, from either side.
  out.push_back({bh::verb::post, "/dm/{user_id}", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   auto& s = web->s;
                   const std::string other_id = c.params["user_id"];
                   if (other_id == c.who->user.id || !chat::is_valid_id(other_id)) {
                     co_return not_found_page(*web, c.req, c.who->user);
                   }
                   auto room = co_await s.direct.open(*c.who, other_id);
                   if (!room && room.error().kind == chat::ErrorKind::not_found) {
                     co_return not_found_page(*web, c.req, c.who->user);
                   }
                   if (!room) co_return error_text(c.req, room.error());
                   co_return see_other(c.req, "/rooms/" + room->id);
                 }});
}

}  // namespace parley::web
