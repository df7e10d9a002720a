#include "transport/ws_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/serialize.hpp>

#include "chat/validate.hpp"
#include "transport/chat_service.hpp"
#include "transport/encode.hpp"
#include "transport/event_json.hpp"
#include "transport/json_input.hpp"
#include "transport/streamer.hpp"
#include "transport/user_channel.hpp"

namespace parley::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using chat::ErrorKind;

namespace {

class WsSession final : public Streamer {
 public:
  WsSession(ChatService& chat, hub::Shard& shard, beast::tcp_stream stream, Identity who)
      : Streamer(chat.services(), shard, hub::Format::ws, http::Transport::ws, std::move(who)),
        chat_(chat),
        ws_(std::move(stream)),
        expiry_(shard.context()) {}

  asio::awaitable<void> run(rest::Request req) {
    auto self = shared_from_this();
    beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts apply
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(10);
    t.idle_timeout = s_.options.ws_idle_timeout;
    t.keep_alive_pings = true;  // pings at half the idle timeout; no pong closes
    ws_.set_option(t);
    // Big enough for any message within the limit, with JSON escaping; a frame past
    // the message limit but under this gets error 413 and the connection stays.
    ws_.read_message_max(std::max<std::size_t>(64 * 1024, s_.options.limits.max_msg_bytes * 8));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "parley"); }));
    boost::system::error_code ec;
    co_await ws_.async_accept(req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      finish();
      co_return;
    }
    listen(user_channel(who_.user.id));
    if (who_.expires_at_s > 0) {
      asio::co_spawn(shard_.context(), close_at_expiry(), asio::detached);
    }
    beast::flat_buffer buffer;
    while (!closed()) {
      buffer.clear();
      co_await ws_.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      std::string text = beast::buffers_to_string(buffer.data());
      co_await handle(text);
    }
    if (ec && ec != websocket::error::closed && ec != asio::error::operation_aborted &&
        ec != asio::error::eof) {
      spdlog::debug("websocket {} ended: {}", who_.user.id, ec.message());
    }
    finish();
  }

 private:
  // A token's identity ends at its expiry; the connection it opened ends with it.
  asio::awaitable<void> close_at_expiry() {
    auto self = shared_from_this();
    expiry_.expires_at(std::chrono::steady_clock::now() +
                       std::chrono::seconds(who_.expires_at_s - now_ms() / 1000));
    boost::system::error_code ec;
    co_await expiry_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || closed()) co_return;
    send_error({ErrorKind::unauthorized, "token expired"});
    flush();
    mark_closed();
    ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, "token expired"),
                    [self](beast::error_code) {});
  }

  void finish() {
    mark_closed();
    detach();
    expiry_.cancel();
    // Closing the connection that asked for a match takes the user out of the queue.
    if (in_match_queue_) chat_.leave_match(who_.user.id);
    if (counted_) {
      s_.metrics.connection_closed(http::Transport::ws);
      counted_ = false;
    }
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  void send_json(const json::object& o) { enqueue(hub::make_frame(json::serialize(o))); }

  void send_error(const chat::Error& e, const json::object* context = nullptr) {
    json::object o{{"type", "error"}, {"code", chat::status_of(e.kind)}, {"content", e.message}};
    if (context) {
      for (auto key : {"room", "client_id"}) {
        if (auto it = context->find(key); it != context->end()) o[key] = it->value();
      }
    }
    send_json(o);
  }

  asio::awaitable<void> handle(std::string_view text) {
    auto obj = parse_json_object(text);
    if (!obj) {
      send_error(obj.error());
      co_return;
    }
    auto type_it = obj->find("type");
    if (type_it == obj->end() || !type_it->value().is_string()) {
      send_error({ErrorKind::bad_request, "missing field 'type'"});
      co_return;
    }
    std::string type(type_it->value().get_string());
    if (type == "subscribe") {
      co_await on_subscribe(*obj);
    } else if (type == "unsubscribe") {
      auto in = JsonInput::of(std::move(*obj), {"type", "room"});
      auto room = in ? in->string("room") : chat::Result<std::string>(std::unexpected(in.error()));
      if (!room) co_return send_error(room.error());
      if (!chat::is_valid_id(*room)) co_return send_error({ErrorKind::not_found, "no such room"});
      unfollow(*room);
    } else if (type == "send") {
      co_await on_send(*obj);
    } else if (type == "typing") {
      auto in = JsonInput::of(std::move(*obj), {"type", "room", "on"});
      if (!in) co_return send_error(in.error());
      auto room = in->string("room");
      auto on = in->boolean("on");
      if (!room) co_return send_error(room.error());
      if (!on) co_return send_error(on.error());
      if (!following(*room)) {
        co_return send_error({ErrorKind::conflict, "subscribe to the room first"}, &in->object());
      }
      chat_.typing(who_, *room, *on);
    } else if (type == "read") {
      auto in = JsonInput::of(std::move(*obj), {"type", "room", "seq"});
      if (!in) co_return send_error(in.error());
      auto room = in->string("room");
      auto seq = in->integer("seq");
      if (!room) co_return send_error(room.error());
      if (!seq) co_return send_error(seq.error());
      auto r = co_await chat_.mark_read(who_, *room, *seq);
      if (!r) send_error(r.error(), &in->object());
    } else if (type == "get_online_list") {
      json::array list;
      for (auto& id : s_.presence.users()) list.push_back(json::string(id));
      send_json({{"type", "online_list"}, {"data", std::move(list)}});
    } else if (type == "ping") {
      send_json({{"type", "pong"}});
    } else if (type == "chat") {
      co_await on_chat(*obj);
    } else if (type == "get_offline") {
      co_await on_get_offline();
    } else if (type == "match") {
      auto in = JsonInput::of(std::move(*obj), {"type"});
      if (!in) co_return send_error(in.error());
      auto r = co_await chat_.join_match(who_);
      if (!r) co_return send_error(r.error());
      // Matched now: the `matched` notice arrives through the user channel, like
      // it does for the peer. Still waiting: say so, and leave the queue on close.
      if (!r->matched) {
        in_match_queue_ = true;
        send_json({{"type", "waiting"}});
      } else {
        in_match_queue_ = false;
      }
    } else if (type == "leave_match") {
      chat_.leave_match(who_.user.id);
      in_match_queue_ = false;
    } else {
      send_error({ErrorKind::bad_request, "unknown type '" + type + "'"});
    }
  }

  // By reference: see blocking.hpp on GCC 12 and temporaries in co_await.
  asio::awaitable<void> on_subscribe(json::object& obj) {
    auto in = JsonInput::of(std::move(obj), {"type", "room", "since"});
    if (!in) co_return send_error(in.error());
    auto room_id = in->string("room");
    if (!room_id) co_return send_error(room_id.error());
    auto since = in->optional_integer("since");
    if (!since) co_return send_error(since.error(), &in->object());
    auto room = co_await chat_.viewable_room(who_, *room_id);
    if (closed()) co_return;
    if (!room) co_return send_error(room.error(), &in->object());
    chat::Seq after = since->value_or(room->last_seq);
    if (after < 0) after = 0;
    send_json({{"type", "subscribed"}, {"room", room->id}, {"last_seq", room->last_seq}});
    follow(room->id, after);
  }

  // chat-server's direct message: {type:"chat", to_user_id, content, client_id?}.
  asio::awaitable<void> on_chat(json::object& obj) {
    auto in = JsonInput::of(std::move(obj), {"type", "to_user_id", "content", "client_id"});
    if (!in) co_return send_error(in.error());
    auto to = in->string("to_user_id");
    auto content = in->string("content");
    auto client_id = in->optional_string("client_id");
    if (!to) co_return send_error(to.error(), &in->object());
    if (!content) co_return send_error(content.error(), &in->object());
    if (!client_id) co_return send_error(client_id.error(), &in->object());
    std::string cid = client_id->value_or("");
    auto r = co_await chat_.send_direct(who_, *to, *content, cid);
    if (closed()) co_return;
    if (!r) co_return send_error(r.error(), &in->object());
    send_json({{"type", "ack"},
               {"client_id", cid},
               {"room", r->room.id},
               {"seq", r->event ? r->event->seq : 0}});
  }

  asio::awaitable<void> on_get_offline() {
    auto r = co_await chat_.offline_messages(who_);
    if (closed()) co_return;
    if (!r) co_return send_error(r.error());
    json::array list;
    for (const auto& e : *r) {
      list.push_back(json::object{{"room", e.room},
                                  {"seq", e.seq},
                                  {"from_user_id", e.author.id},
                                  {"to_user_id", who_.user.id},
                                  {"content", e.text},
                                  {"created_at", format_time(e.created_at)}});
    }
    send_json({{"type", "offline_list"}, {"data", std::move(list)}});
  }

  asio::awaitable<void> on_send(json::object& obj) {
    auto in = JsonInput::of(std::move(obj), {"type", "room", "text", "client_id"});
    if (!in) co_return send_error(in.error());
    auto room = in->string("room");
    auto text = in->string("text");
    auto client_id = in->optional_string("client_id");
    if (!room) co_return send_error(room.error(), &in->object());
    if (!text) co_return send_error(text.error(), &in->object());
    if (!client_id) co_return send_error(client_id.error(), &in->object());
    std::string cid = client_id->value_or("");
    auto r = co_await chat_.post_message(who_, *room, *text, cid);
    if (closed()) co_return;
    if (!r) co_return send_error(r.error(), &in->object());
    send_json({{"type", "ack"},
               {"client_id", cid},
               {"room", *room},
               {"seq", r->event ? r->event->seq : 0}});
  }

  // Streamer
  void write_batch(const std::vector<hub::FramePtr>& batch) override {
    // One text frame per flush: the frames joined by "\n" (API.md allows it), as a
    // gather write so no payload is copied.
    static const char newline = '\n';
    buffers_.clear();
    buffers_.reserve(batch.size() * 2);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (i) buffers_.emplace_back(&newline, 1);
      buffers_.emplace_back(batch[i]->data(), batch[i]->size());
    }
    ws_.text(true);
    ws_.async_write(buffers_, [self = shared_from_this(), this](beast::error_code ec, std::size_t) {
      write_done(!ec);
      if (ec) abort();
    });
  }

  void abort() override {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(asio::socket_base::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().cancel(ignored);
  }

  void drain() override {
    // Shutdown: say "going away" (1001) so clients reconnect elsewhere or later.
    mark_closed();
    ws_.async_close(websocket::close_code::going_away,
                    [self = shared_from_this()](beast::error_code) {});
  }

  hub::FramePtr encode_replayed(const chat::Event& e) override {
    return encode_event(e, nullptr)->get(hub::Format::ws);
  }
  hub::FramePtr encode_reset(const std::string& room, chat::Seq earliest) override {
    return encode_reset_ws(room, earliest);
  }
  void on_store_error(const std::string& room, const chat::Error& e) override {
    json::object ctx{{"room", room}};
    send_error(e, &ctx);
  }

  ChatService& chat_;
  websocket::stream<beast::tcp_stream> ws_;
  std::vector<asio::const_buffer> buffers_;
  asio::steady_timer expiry_;
  bool counted_ = true;
  bool in_match_queue_ = false;  // the HTTP layer counted the upgrade
};

}  // namespace

void start_ws_session(ChatService& chat, hub::Shard& shard, beast::tcp_stream stream,
                      rest::Request req, Identity who) {
  auto session = std::make_shared<WsSession>(chat, shard, std::move(stream), std::move(who));
  asio::co_spawn(shard.context(), session->run(std::move(req)), asio::detached);
}

}  // namespace parley::transport
