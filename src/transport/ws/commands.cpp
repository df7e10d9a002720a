#include "transport/ws/commands.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <unordered_map>

#include "chat/time_format.hpp"
#include "chat/validate.hpp"
#include "transport/json_input.hpp"

namespace parley::transport::ws {

namespace asio = boost::asio;
namespace json = boost::json;
using chat::ErrorKind;

json::object error_json(const chat::Error& e, const json::object* context) {
  json::object o{{"type", "error"}, {"code", chat::status_of(e.kind)}, {"content", e.message}};
  if (context) {
    for (auto key : {"room", "client_id"}) {
      if (auto it = context->find(key); it != context->end()) o[key] = it->value();
    }
  }
  return o;
}

void Connection::send_error(const chat::Error& e, const json::object* context) {
  send_json(error_json(e, context));
}

bool is_type(const json::object& o, std::string_view type) {
  auto it = o.find("type");
  return it != o.end() && it->value().is_string() && it->value().get_string() == type;
}

namespace {

using Handler = asio::awaitable<void> (*)(Connection&, json::object&);

asio::awaitable<void> on_subscribe(Connection& c, json::object& obj) {
  auto in = JsonInput::of(std::move(obj), {"type", "room", "since"});
  if (!in) co_return c.send_error(in.error());
  auto room_id = in->string("room");
  if (!room_id) co_return c.send_error(room_id.error());
  auto since = in->optional_integer("since");
  if (!since) co_return c.send_error(since.error(), &in->object());
  auto room = co_await c.services().rooms.viewable(c.who(), *room_id);
  if (c.is_closed()) co_return;
  if (!room) co_return c.send_error(room.error(), &in->object());
  chat::Seq after = since->value_or(room->last_seq);
  if (after < 0) after = 0;
  c.send_json({{"type", "subscribed"}, {"room", room->id}, {"last_seq", room->last_seq}});
  c.follow_room(room->id, after);
}

asio::awaitable<void> on_unsubscribe(Connection& c, json::object& obj) {
  auto in = JsonInput::of(std::move(obj), {"type", "room"});
  auto room = in ? in->string("room") : chat::Result<std::string>(in.error());
  if (!room) co_return c.send_error(room.error());
  if (!chat::is_valid_id(*room)) co_return c.send_error({ErrorKind::not_found, "no such room"});
  c.unfollow_room(*room);
}

asio::awaitable<void> on_typing(Connection& c, json::object& obj) {
  auto in = JsonInput::of(std::move(obj), {"type", "room", "on"});
  if (!in) co_return c.send_error(in.error());
  auto room = in->string("room");
  auto on = in->boolean("on");
  if (!room) co_return c.send_error(room.error());
  if (!on) co_return c.send_error(on.error());
  if (!c.is_following(*room)) {
    co_return c.send_error({ErrorKind::conflict, "subscribe to the room first"}, &in->object());
  }
  c.services().rooms.typing(c.who(), *room, *on);
}

asio::awaitable<void> on_read(Connection& c, json::object& obj) {
  auto in = JsonInput::of(std::move(obj), {"type", "room", "seq"});
  if (!in) co_return c.send_error(in.error());
  auto room = in->string("room");
  auto seq = in->integer("seq");
  if (!room) co_return c.send_error(room.error());
  if (!seq) co_return c.send_error(seq.error());
  auto r = co_await c.services().rooms.mark_read(c.who(), *room, *seq);
  if (!r) c.send_error(r.error(), &in->object());
}

// Frames that carry only their type refuse extra fields like every other frame
// (API.md: an unknown field is an error naming it), so a client's typo shows.
bool only_type(Connection& c, json::object& obj) {
  auto in = JsonInput::of(std::move(obj), {"type"});
  if (!in) c.send_error(in.error());
  return static_cast<bool>(in);
}

asio::awaitable<void> on_get_online_list(Connection& c, json::object& obj) {
  if (!only_type(c, obj)) co_return;
  json::array list;
  for (auto& id : c.services().presence.users()) list.push_back(json::string(id));
  c.send_json({{"type", "online_list"}, {"data", std::move(list)}});
}

asio::awaitable<void> on_ping(Connection& c, json::object& obj) {
  if (only_type(c, obj)) c.send_json({{"type", "pong"}});
  co_return;
}

// chat-server's direct message: {type:"chat", to_user_id, content, client_id?}.
asio::awaitable<void> on_chat(Connection& c, json::object& obj) {
  auto in = JsonInput::of(std::move(obj), {"type", "to_user_id", "content", "client_id"});
  if (!in) co_return c.send_error(in.error());
  auto to = in->string("to_user_id");
  auto content = in->string("content");
  auto client_id = in->optional_string("client_id");
  if (!to) co_return c.send_error(to.error(), &in->object());
  if (!content) co_return c.send_error(content.error(), &in->object());
  if (!client_id) co_return c.send_error(client_id.error(), &in->object());
  std::string cid = client_id->value_or("");
  auto r = co_await c.services().direct.send(c.who(), *to, *content, cid);
  if (c.is_closed()) co_return;
  if (!r) co_return c.send_error(r.error(), &in->object());
  c.send_json({{"type", "ack"},
               {"client_id", cid},
               {"room", r->room.id},
               {"seq", r->event ? r->event->seq : 0}});
}

asio::awaitable<void> on_get_offline(Connection& c, json::object& obj) {
  if (!only_type(c, obj)) co_return;
  auto r = co_await c.services().direct.offline(c.who());
  if (c.is_closed()) co_return;
  if (!r) co_return c.send_error(r.error());
  json::array list;
  for (const auto& e : r->messages) {
    list.push_back(json::object{{"room", e.room},
                                {"seq", e.seq},
                                {"from_user_id", e.author.id},
                                {"to_user_id", c.who().user.id},
                                {"content", e.text},
                                {"created_at", chat::format_time(e.created_at)}});
  }
  c.send_json({{"type", "offline_list"}, {"data", std::move(list)}, {"has_more", r->has_more}});
}

asio::awaitable<void> on_match(Connection& c, json::object& obj) {
  if (!only_type(c, obj)) co_return;
  auto r = co_await c.services().matching.join(c.who());
  if (!r) co_return c.send_error(r.error());
  // Matched now: the `matched` notice arrives through the user channel, like it
  // does for the peer. Still waiting: say so, and leave the queue on close (unless
  // the place was matched or asked for again elsewhere by then).
  c.set_match_ticket(r->ticket);
  if (!r->matched) c.send_json({{"type", "waiting"}});
}

asio::awaitable<void> on_leave_match(Connection& c, json::object& obj) {
  if (!only_type(c, obj)) co_return;
  c.services().matching.leave(c.who().user.id);
  c.set_match_ticket(0);
}

// The WebSocket counterpart of POST /api/rooms/{id}/leave: {type:"leave", room}.
asio::awaitable<void> on_leave(Connection& c, json::object& obj) {
  auto in = JsonInput::of(std::move(obj), {"type", "room"});
  if (!in) co_return c.send_error(in.error());
  auto room = in->string("room");
  if (!room) co_return c.send_error(room.error(), &in->object());
  if (!chat::is_valid_id(*room)) {
    co_return c.send_error({ErrorKind::not_found, "no such room"}, &in->object());
  }
  auto r = co_await c.services().rooms.leave(c.who(), *room);
  if (c.is_closed()) co_return;
  if (!r) co_return c.send_error(r.error(), &in->object());
  c.send_json({{"type", "left"}, {"room", *room}});
}

// `send` is not here: the session runs it through run_send(), several in flight.
const std::unordered_map<std::string_view, Handler>& commands() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"subscribe", on_subscribe},
      {"unsubscribe", on_unsubscribe},
      {"typing", on_typing},
      {"read", on_read},
      {"get_online_list", on_get_online_list},
      {"ping", on_ping},
      {"chat", on_chat},
      {"get_offline", on_get_offline},
      {"match", on_match},
      {"leave_match", on_leave_match},
      {"leave", on_leave},
  };
  return table;
}

}  // namespace

asio::awaitable<void> run_command(Connection& c, chat::Result<json::object>& frame) {
  if (!frame) co_return c.send_error(frame.error());
  auto type_it = frame->find("type");
  if (type_it == frame->end() || !type_it->value().is_string()) {
    co_return c.send_error({ErrorKind::bad_request, "missing field 'type'"});
  }
  const std::string type(type_it->value().get_string());
  auto it = commands().find(type);
  if (it == commands().end()) {
    co_return c.send_error({ErrorKind::bad_request, "unknown type '" + type + "'"});
  }
  co_await it->second(c, *frame);
}

asio::awaitable<json::object> run_send(Connection& c, json::object& obj) {
  auto in = JsonInput::of(std::move(obj), {"type", "room", "text", "client_id"});
  if (!in) co_return error_json(in.error(), nullptr);
  auto room = in->string("room");
  auto text = in->string("text");
  auto client_id = in->optional_string("client_id");
  if (!room) co_return error_json(room.error(), &in->object());
  if (!text) co_return error_json(text.error(), &in->object());
  if (!client_id) co_return error_json(client_id.error(), &in->object());
  std::string cid = client_id->value_or("");
  auto r = co_await c.services().messages.post(c.who(), *room, *text, cid);
  if (!r) co_return error_json(r.error(), &in->object());
  co_return json::object{
      {"type", "ack"}, {"client_id", cid}, {"room", *room}, {"seq", r->event ? r->event->seq : 0}};
}

}  // namespace parley::transport::ws
