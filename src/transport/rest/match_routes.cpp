// Random chat over REST: POST /api/match joins the queue (idempotent), DELETE leaves
// it. A match made later arrives on the caller's stream (/api/events, WebSocket), so
// a caller with no such connection is paired when someone waits, and is otherwise
// refused (409) rather than left waiting for a notice it cannot receive.
#include <boost/json/object.hpp>

#include "service/event_json.hpp"
#include "transport/rest/routes_detail.hpp"
#include "transport/service.hpp"

namespace parley::transport::rest {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;

void add_match_routes(std::vector<Route>& out, Services& s) {
  out.push_back(
      {http::verb::post, "/api/match", Access::user, [&s](Context& c) -> asio::awaitable<Response> {
         auto r = co_await s.matching.join(*c.who, /*needs_connection=*/true);
         if (!r) co_return error(c.req, r.error());
         if (!r->matched) co_return ok(c.req, json::object{{"status", "waiting"}});
         co_return ok(c.req, json::object{{"status", "matched"},
                                          {"room", room_json(r->room)},
                                          {"peer", user_ref_json(r->peer)}});
       }});

  out.push_back({http::verb::delete_, "/api/match", Access::user,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   s.matching.leave(c.who->user.id);
                   co_return no_content(c.req);
                 }});
}

}  // namespace parley::transport::rest
