// The posts the room page makes (form-encoded, outside /api/, which takes JSON only):
// each reuses Services, so limits, permissions and publishing are the API's.
// They answer 204 to the page's script, which sees the result arrive on the room's
// stream like everyone else; a plain form post (no script) is sent back to the room.
// CSRF: the HTTP layer refuses a cookie-authenticated post from another origin.
#include <boost/beast/http/field.hpp>
#include <charconv>

#include "chat/validate.hpp"
#include "web/html.hpp"
#include "web/web.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace bh = boost::beast::http;
namespace rest = transport::rest;

namespace {

std::optional<chat::Seq> parse_seq(std::string_view s) {
  chat::Seq v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// 204 for the script; back to the room for a plain form post.
rest::Response done(const rest::Request& req, const std::string& room) {
  return from_script(req) ? no_content(req) : see_other(req, "/rooms/" + room);
}

}  // namespace

void add_form_routes(std::vector<rest::Route>& out, const WebPtr& web) {
  out.push_back({bh::verb::post, "/rooms", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   const std::string name = form_field(c.req.body(), "name");
                   auto vis = chat::parse_visibility(form_field(c.req.body(), "visibility"));
                   if (!vis) vis = chat::Visibility::public_room;
                   auto room = co_await web->s.rooms.create(*c.who, name, *vis);
                   if (!room) co_return error_text(c.req, room.error());
                   co_return see_other(c.req, "/rooms/" + room->id);
                 }});

  out.push_back({bh::verb::post, "/rooms/{id}/messages", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   const std::string room = c.params["id"];
                   const std::string text = form_field(c.req.body(), "text");
                   const std::string client_id = form_field(c.req.body(), "client_id");
                   auto r = co_await web->s.messages.post(*c.who, room, text, client_id);
                   if (!r) co_return error_text(c.req, r.error());
                   co_return done(c.req, room);
                 }});

  out.push_back({bh::verb::post, "/rooms/{id}/messages/{seq}/edit", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   const std::string room = c.params["id"];
                   auto seq = parse_seq(c.params["seq"]);
                   if (!seq)
                     co_return text_response(c.req, bh::status::not_found, "no such message");
                   const std::string text = form_field(c.req.body(), "text");
                   auto r = co_await web->s.messages.edit(*c.who, room, *seq, text);
                   if (!r) co_return error_text(c.req, r.error());
                   co_return done(c.req, room);
                 }});

  out.push_back({bh::verb::post, "/rooms/{id}/messages/{seq}/delete", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   const std::string room = c.params["id"];
                   auto seq = parse_seq(c.params["seq"]);
                   if (!seq)
                     co_return text_response(c.req, bh::status::not_found, "no such message");
                   auto r = co_await web->s.messages.remove(*c.who, room, *seq);
                   if (!r) co_return error_text(c.req, r.error());
                   co_return done(c.req, room);
                 }});

  out.push_back({bh::verb::post, "/rooms/{id}/messages/{seq}/react", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   const std::string room = c.params["id"];
                   auto seq = parse_seq(c.params["seq"]);
                   if (!seq)
                     co_return text_response(c.req, bh::status::not_found, "no such message");
                   const std::string emoji = form_field(c.req.body(), "emoji");
                   auto r = co_await web->s.messages.react(*c.who, room, *seq, emoji);
                   if (!r) co_return error_text(c.req, r.error());
                   co_return done(c.req, room);
                 }});

  out.push_back({bh::verb::post, "/rooms/{id}/read", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   const std::string room = c.params["id"];
                   auto seq = parse_seq(form_field(c.req.body(), "seq"));
                   if (!seq)
                     co_return text_response(c.req, bh::status::bad_request,
                                             "seq must be a number");
                   auto r = co_await web->s.rooms.mark_read(*c.who, room, *seq);
                   if (!r) co_return error_text(c.req, r.error());
                   co_return no_content(c.req);
                 }});

  out.push_back({bh::verb::post, "/rooms/{id}/typing", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   const std::string room = c.params["id"];
                   // Only to rooms the user may see: a typing notice is published as is.
                   auto r = co_await web->s.rooms.viewable(*c.who, room);
                   if (!r) co_return error_text(c.req, r.error());
                   web->s.rooms.typing(*c.who, r->id, form_field(c.req.body(), "on") != "0");
                   co_return no_content(c.req);
                 }});

  out.push_back({bh::verb::post, "/rooms/{id}/join", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   const std::string room = c.params["id"];
                   auto r = co_await web->s.rooms.join(*c.who, room);
                   if (!r) co_return error_text(c.req, r.error());
                   co_return see_other(c.req, "/rooms/" + room);
                 }});

  out.push_back({bh::verb::post, "/rooms/{id}/leave", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   auto r = co_await web->s.rooms.leave(*c.who, c.params["id"]);
                   if (!r) co_return error_text(c.req, r.error());
                   co_return see_other(c.req, "/");
                 }});
}

}  // namespace parley::web
