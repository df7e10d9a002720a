// Rooms, membership, read markers, direct rooms and presence.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "chat/validate.hpp"
#include "service/event_json.hpp"
#include "transport/json_input.hpp"
#include "transport/rest/routes_detail.hpp"
#include "transport/service.hpp"

namespace parley::transport::rest {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using chat::ErrorKind;

void add_room_routes(std::vector<Route>& out, Services& s) {
  out.push_back(
      {http::verb::get, "/api/rooms", Access::user, [&s](Context& c) -> asio::awaitable<Response> {
         auto rooms = co_await s.rooms.list(c.who->user.id);
         if (!rooms) co_return error(c.req, rooms.error());
         json::array list;
         for (const auto& r : *rooms) {
           json::object o = room_json(r.room);
           o["read_seq"] = r.read_seq;
           o["unread"] = r.unread;
           list.push_back(std::move(o));
         }
         co_return ok(c.req, std::move(list));
       }});

  out.push_back(
      {http::verb::post, "/api/rooms", Access::user, [&s](Context& c) -> asio::awaitable<Response> {
         auto in = JsonInput::parse(c.req.body(), {"name", "visibility"});
         if (!in) co_return error(c.req, in.error());
         auto name = in->string("name");
         if (!name) co_return error(c.req, name.error());
         auto vis_text = in->optional_string("visibility");
         if (!vis_text) co_return error(c.req, vis_text.error());
         auto vis = chat::parse_visibility(vis_text->value_or("public"));
         if (!vis)
           co_return error(c.req, ErrorKind::invalid, "visibility must be 'public' or 'private'");
         auto room = co_await s.rooms.create(*c.who, *name, *vis);
         if (!room) co_return error(c.req, room.error());
         co_return ok(c.req, room_json(*room), http::status::created);
       }});

  out.push_back({http::verb::get, "/api/rooms/{id}", Access::user,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   auto room = co_await s.rooms.viewable(*c.who, c.params["id"]);
                   if (!room) co_return error(c.req, room.error());
                   co_return ok(c.req, room_json(*room));
                 }});

  out.push_back({http::verb::post, "/api/rooms/{id}/join", Access::user,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   auto r = co_await s.rooms.join(*c.who, c.params["id"]);
                   if (!r) co_return error(c.req, r.error());
                   co_return no_content(c.req);
                 }});

  out.push_back({http::verb::post, "/api/rooms/{id}/leave", Access::user,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   auto r = co_await s.rooms.leave(*c.who, c.params["id"]);
                   if (!r) co_return error(c.req, r.error());
                   co_return no_content(c.req);
                 }});

  out.push_back({http::verb::post, "/api/rooms/{id}/read", Access::user,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   auto in = JsonInput::parse(c.req.body(), {"seq"});
                   if (!in) co_return error(c.req, in.error());
                   auto seq = in->integer("seq");
                   if (!seq) co_return error(c.req, seq.error());
                   auto r = co_await s.rooms.mark_read(*c.who, c.params["id"], *seq);
                   if (!r) co_return error(c.req, r.error());
                   co_return no_content(c.req);
                 }});

  out.push_back({http::verb::get, "/api/rooms/{id}/members", Access::user,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   auto room = co_await s.rooms.viewable(*c.who, c.params["id"]);
                   if (!room) co_return error(c.req, room.error());
                   auto members = co_await s.rooms.members(room->id);
                   if (!members) co_return error(c.req, members.error());
                   json::array list;
                   for (const auto& m : *members) {
                     list.push_back(json::object{{"id", m.user.id},
                                                 {"name", m.user.name},
                                                 {"avatar_url", m.user.avatar_url},
                                                 {"online", s.presence.online(m.user.id)},
                                                 {"read_seq", m.read_seq},
                                                 {"owner", m.owner}});
                   }
                   co_return ok(c.req, std::move(list));
                 }});

  out.push_back({http::verb::post, "/api/dm/{user_id}", Access::user,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   auto room = co_await s.direct.open(*c.who, c.params["user_id"]);
                   if (!room) co_return error(c.req, room.error());
                   co_return ok(c.req, room_json(*room));
                 }});

  out.push_back(
      {http::verb::get, "/api/online", Access::user, [&s](Context& c) -> asio::awaitable<Response> {
         json::array list;
         for (auto& id : s.presence.users()) list.push_back(json::string(id));
         co_return ok(c.req, std::move(list));
       }});
}

}  // namespace parley::transport::rest
