// Invite links to private rooms: POST /rooms/{id}/invites makes one (single use,
// 30 days) and answers its URL as text; GET /invite/{token} joins the room and
// opens it, after signing in first when needed.
#include <boost/beast/http/field.hpp>

#include "auth/tokens.hpp"
#include "transport/authenticate.hpp"
#include "web/html.hpp"
#include "web/layout.hpp"
#include "web/web.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace bh = boost::beast::http;
namespace rest = transport::rest;

namespace {

constexpr chat::TimeMs k_invite_lifetime_ms = 30LL * 24 * 3600 * 1000;

}  // namespace

void add_invite_routes(std::vector<rest::Route>& out, const WebPtr& web) {
  out.push_back({bh::verb::post, "/rooms/{id}/invites", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   auto& s = web->s;
                   auto room = co_await web->s.rooms.viewable(*c.who, c.params["id"]);
                   if (!room) co_return error_text(c.req, room.error());
                   const chat::TimeMs expires = service::now_ms() + k_invite_lifetime_ms;
                   auto token = co_await s.rooms.create_invite(*c.who, room->id, expires);
                   if (!token) co_return error_text(c.req, token.error());
                   co_return text_response(c.req, bh::status::created,
                                           s.options.base_url + "/invite/" + *token);
                 }});

  out.push_back(
      {bh::verb::get, "/invite/{token}", rest::Access::public_route,
       [web](rest::Context& c) -> asio::awaitable<rest::Response> {
         auto& s = web->s;
         const std::string token = c.params["token"];
         auto who = co_await transport::authenticate(s, c.req);
         if (!who) {
           // Sign in (or join as a guest) first, then come back here.
           co_return see_other(c.req, "/login?next=/invite/" + token);
         }
         auto r = co_await web->s.rooms.redeem_invite(*who, token);
         if (!r) {
           std::string body = "<main class=\"notice\"><h1>This invite does not work</h1><p>";
           escaped(body, r.error().message);
           body +=
               ". Ask for a new link: each one lets one person in, and only for 30 days.</p>"
               "<p><a href=\"/\">Go to your rooms</a></p></main>";
           co_return html_response(c.req, page(*web, "Invite", &who->user, body),
                                   static_cast<bh::status>(chat::status_of(r.error().kind)));
         }
         co_return see_other(c.req, "/rooms/" + r->room.id);
       }});
}

}  // namespace parley::web
