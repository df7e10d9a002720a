// Invite links to private rooms: POST /rooms/{id}/invites makes one (single use,
// 30 days) and answers its URL as text; GET /invite/{token} joins the room and
// opens it, after signing in first when needed.
#include <boost/beast/http/field.hpp>

#include "auth/tokens.hpp"
#include "transport/authenticate.hpp"
#include "transport/store_call.hpp"
#include "web/html.hpp"
#include "web/layout.hpp"
#include "web/web.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace bh = boost::beast::http;
namespace rest = transport::rest;
using transport::store_call;

namespace {

constexpr chat::TimeMs k_invite_lifetime_ms = 30LL * 24 * 3600 * 1000;

}  // namespace

void add_invite_routes(std::vector<rest::Route>& out, const WebPtr& web) {
  out.push_back({bh::verb::post, "/rooms/{id}/invites", rest::Access::page,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   auto& s = web->s;
                   auto room = co_await web->chat.viewable_room(*c.who, c.params["id"]);
                   if (!room) co_return error_text(c.req, room.error());
                   // The link carries the token; the store keeps only its hash, like sessions.
                   const std::string token = auth::random_token();
                   const std::string hash = auth::sha256_hex(token);
                   const chat::TimeMs expires = transport::now_ms() + k_invite_lifetime_ms;
                   auto r = co_await store_call<void>([&](auto cb) {
                     s.store.create_invite(room->id, c.who->user.id, hash, expires, cb);
                   });
                   if (!r) co_return error_text(c.req, r.error());
                   co_return text_response(c.req, bh::status::created,
                                           s.options.base_url + "/invite/" + token);
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
         auto r = co_await web->chat.redeem_invite(*who, token);
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
