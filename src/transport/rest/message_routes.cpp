// The room log over REST: history, post, edit, delete, react.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "service/event_json.hpp"
#include "transport/json_input.hpp"
#include "transport/rest/routes_detail.hpp"
#include "transport/service.hpp"

namespace parley::transport::rest {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using chat::ErrorKind;

namespace {

Response event_response(const Request& req, const store::AppendResult& r,
                        http::status status = http::status::ok) {
  if (!r.event) return error(req, ErrorKind::internal, "nothing was stored");
  return ok(req, event_json(*r.event), status);
}

}  // namespace

void add_message_routes(std::vector<Route>& out, Services& s) {
  out.push_back({http::verb::get, "/api/rooms/{id}/messages", Access::user,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   store::HistoryQuery q;
                   q.limit = s.options.limits.history_default;
                   for (auto name : {"before", "after", "limit"}) {
                     if (!c.has_query(name)) continue;
                     auto v = parse_seq(c.query(name));
                     if (!v)
                       co_return error(c.req, ErrorKind::bad_request,
                                       std::string(name) + " must be an integer >= 0");
                     if (std::string_view(name) == "before") q.before = *v;
                     if (std::string_view(name) == "after") q.after = *v;
                     if (std::string_view(name) == "limit") {
                       if (*v < 1 || *v > s.options.limits.history_max) {
                         co_return error(c.req, ErrorKind::bad_request,
                                         "limit must be between 1 and " +
                                             std::to_string(s.options.limits.history_max));
                       }
                       q.limit = static_cast<int>(*v);
                     }
                   }
                   if (q.before && q.after) {
                     co_return error(c.req, ErrorKind::bad_request,
                                     "use either before or after, not both");
                   }
                   auto room = co_await s.rooms.viewable(*c.who, c.params["id"]);
                   if (!room) co_return error(c.req, room.error());
                   q.room = room->id;
                   auto page = co_await s.messages.history(q);
                   if (!page) co_return error(c.req, page.error());
                   json::array events;
                   for (const auto& e : page->events) events.push_back(event_json(e));
                   co_return ok(c.req, json::object{{"events", std::move(events)},
                                                    {"has_more", page->has_more},
                                                    {"earliest_seq", page->earliest_seq},
                                                    {"last_seq", page->last_seq}});
                 }});

  out.push_back(
      {http::verb::post, "/api/rooms/{id}/messages", Access::user,
       [&s](Context& c) -> asio::awaitable<Response> {
         auto in = JsonInput::parse(c.req.body(), {"text", "client_id", "attachments"});
         if (!in) co_return error(c.req, in.error());
         auto text = in->string("text");
         if (!text) co_return error(c.req, text.error());
         auto client_id = in->optional_string("client_id");
         if (!client_id) co_return error(c.req, client_id.error());
         if (auto it = in->object().find("attachments");
             it != in->object().end() &&
             !(it->value().is_array() && it->value().as_array().empty()) &&
             !it->value().is_null()) {
           // Uploads arrive with the media service; until then an attachment would be a
           // link to anywhere, so it is refused rather than stored unchecked.
           co_return error(c.req, ErrorKind::invalid, "attachments are not enabled on this server");
         }
         auto r = co_await s.messages.post(*c.who, c.params["id"], *text, client_id->value_or(""));
         if (!r) co_return error(c.req, r.error());
         co_return event_response(c.req, *r, http::status::created);
       }});

  out.push_back({http::verb::patch, "/api/rooms/{id}/messages/{seq}", Access::user,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   auto seq = parse_seq(c.params["seq"]);
                   if (!seq) co_return error(c.req, ErrorKind::not_found, "no such message");
                   auto in = JsonInput::parse(c.req.body(), {"text"});
                   if (!in) co_return error(c.req, in.error());
                   auto text = in->string("text");
                   if (!text) co_return error(c.req, text.error());
                   auto r = co_await s.messages.edit(*c.who, c.params["id"], *seq, *text);
                   if (!r) co_return error(c.req, r.error());
                   co_return event_response(c.req, *r);
                 }});

  out.push_back({http::verb::delete_, "/api/rooms/{id}/messages/{seq}", Access::user,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   auto seq = parse_seq(c.params["seq"]);
                   if (!seq) co_return error(c.req, ErrorKind::not_found, "no such message");
                   auto r = co_await s.messages.remove(*c.who, c.params["id"], *seq);
                   if (!r) co_return error(c.req, r.error());
                   co_return event_response(c.req, *r);
                 }});

  out.push_back({http::verb::post, "/api/rooms/{id}/messages/{seq}/reactions", Access::user,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   auto seq = parse_seq(c.params["seq"]);
                   if (!seq) co_return error(c.req, ErrorKind::not_found, "no such message");
                   auto in = JsonInput::parse(c.req.body(), {"emoji"});
                   if (!in) co_return error(c.req, in.error());
                   auto emoji = in->string("emoji");
                   if (!emoji) co_return error(c.req, emoji.error());
                   auto r = co_await s.messages.react(*c.who, c.params["id"], *seq, *emoji);
                   if (!r) co_return error(c.req, r.error());
                   co_return event_response(c.req, *r);
                 }});
}

}  // namespace parley::transport::rest
