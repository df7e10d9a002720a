#include "transport/ws_session.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <optional>
#include <span>

#include "chat/validate.hpp"
#include "transport/chat_service.hpp"
#include "transport/encode.hpp"
#include "transport/event_json.hpp"
#include "transport/json_input.hpp"
#include "transport/polled_socket.hpp"
#include "transport/single_session.hpp"
#include "transport/socket_writer.hpp"
#include "transport/streamer.hpp"
#include "transport/ws/frame.hpp"

namespace parley::transport {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::ip::tcp;
using chat::ErrorKind;

namespace {

using Clock = std::chrono::steady_clock;

// The close code of a connection ended by SINGLE_SESSION (API.md): in the range
// RFC 6455 leaves to applications, so clients can tell it from a server going away
// (1001) and know not to reconnect.
constexpr std::uint16_t k_close_kicked = 4001;

// Reads land here first: one buffer per shard thread, so an idle connection holds
// no read buffer (only a partial frame, when one is pending).
std::span<char> read_scratch() {
  thread_local std::array<char, 64 * 1024> buffer;
  return buffer;
}

class WsSession final : public Streamer, public hub::Tickable, public PolledSocket {
 public:
  WsSession(ChatService& chat, hub::Shard& shard, tcp::socket socket, Identity who)
      : Streamer(chat.services(), shard, hub::Format::ws, http::Transport::ws, std::move(who)),
        PolledSocket(std::move(socket)),
        chat_(chat),
        // Big enough for any message within the limit, with JSON escaping; a frame
        // past the message limit but under this gets error 413 and the connection
        // stays; past this the connection is closed with 1009.
        parser_(std::max<std::size_t>(64 * 1024, s_.options.limits.max_msg_bytes * 8)) {}

  void start(std::string accept_response, std::string early_bytes) {
    if (!watch(shard_.context(), shared_from_this())) return finish();
    last_read_ = Clock::now();
    shard_.add_tickable(this);
    control().next = std::move(accept_response);  // the 101 goes out before any frame
    listen_user_channel();
    request_write();
    rbuf_ = std::move(early_bytes);
    pump();
  }

  // hub::Tickable: keep-alive, the idle deadline, the token's expiry, and a closing
  // handshake that takes too long.
  void tick(Clock::time_point now) override {
    if (!writing()) {
      release_idle();
      writer_.release();
    }
    // Closing, or waiting for the queue to go out before closing: either is bounded,
    // so a peer that stops reading cannot hold the connection open.
    if (close_sent_ || queued_close_ != 0) {
      if (now - close_started_ >= k_close_timeout) finish();
      return;
    }
    if (who_.expires_at_s > 0 && now_ms() / 1000 >= who_.expires_at_s) {
      // A token's identity ends at its expiry; the connection it opened ends with it.
      send_error({ErrorKind::unauthorized, "token expired"});
      close_after_queued(ws::close_code::policy);
      return;
    }
    const auto silent = now - last_read_;
    const auto limit = s_.options.ws_idle_timeout;
    if (silent >= limit) {
      spdlog::debug("websocket {}: no pong in {} s, closing", who_.user.id, limit.count());
      finish();
    } else if (silent >= s_.options.ws_ping && !ping_sent_) {
      ping_sent_ = true;
      control().next += ws::control_frame(ws::Opcode::ping, "");
      request_write();
    }
  }

 private:
  // --- Reading ---------------------------------------------------------------

  void arm_read() {
    if (finished_) return;
    wait_read();
  }

  void on_readable() override {
    auto scratch = read_scratch();
    std::size_t n = 0;
    const Read r = read_some(scratch, n);
    if (r == Read::would_block) return arm_read();
    if (r != Read::data) {
      if (r == Read::error && errno != ECONNRESET) {
        spdlog::debug("websocket {} ended: errno {}", who_.user.id, errno);
      }
      return finish();
    }
    last_read_ = Clock::now();
    ping_sent_ = false;
    if (closing_input_done_) return arm_read();  // only waiting for the peer to go
    rbuf_.append(scratch.data(), n);
    pump();
  }

  // Handles what the read buffer holds, as far as the rules of the header allow,
  // and reads on when it can take more.
  void pump() {
    if (pumping_ || finished_) return;  // a frame handled inline re-enters: the loop goes on
    pumping_ = true;
    std::size_t pos = 0;
    while (!finished_) {
      if (!held_) {
        if (close_sent_ && closing_input_done_) break;
        ws::Frame frame;
        std::size_t used = 0;
        auto status = parser_.next(std::span<char>(rbuf_).subspan(pos), used, frame);
        pos += used;
        if (status == ws::FrameParser::Status::need_more) break;
        if (status == ws::FrameParser::Status::fail) {
          send_close(parser_.fail_code(), "protocol error");
          closing_input_done_ = true;
          break;
        }
        on_frame(frame);
        continue;
      }
      const bool is_send = *held_ && is_type(**held_, "send");
      if (seq_busy_ || (is_send ? sends_ >= k_max_sends_in_flight : sends_ > 0)) break;
      auto parsed = std::move(*held_);
      held_.reset();
      if (is_send) {
        ++sends_;
        asio::co_spawn(shard_.context(), run_send(std::move(*parsed), next_ticket_++),
                       asio::detached);
      } else {
        seq_busy_ = true;
        asio::co_spawn(shard_.context(), run_frame(std::move(parsed)), asio::detached);
      }
    }
    pumping_ = false;
    if (finished_) return;
    rbuf_.erase(0, pos);
    // An idle connection keeps no buffer. (Not `rbuf_ = std::string()`: libstdc++
    // copies a short string into the existing buffer and keeps its memory.)
    if (rbuf_.empty()) std::string().swap(rbuf_);
    if (!held_ || close_sent_) arm_read();
  }

  void on_frame(const ws::Frame& frame) {
    switch (frame.opcode) {
      case ws::Opcode::ping:
        if (!close_sent_) {
          control().next += ws::control_frame(ws::Opcode::pong, frame.payload);
          request_write();
        }
        return;
      case ws::Opcode::pong:
        return;
      case ws::Opcode::close:
        return on_close_frame(frame.payload);
      default:
        break;
    }
    if (close_sent_) return;  // closing: data is no longer read
    // RFC 6455 8.1: a text message that is not UTF-8 fails the connection. A binary
    // one is just a frame whose JSON is bad: error 400, and the connection stays.
    if (frame.opcode == ws::Opcode::text && !chat::is_valid_utf8(frame.payload)) {
      send_close(ws::close_code::invalid_data, "invalid UTF-8");
      closing_input_done_ = true;
      return;
    }
    held_ = std::make_unique<chat::Result<json::object>>(parse_json_object(frame.payload));
  }

  void on_close_frame(std::string_view payload) {
    if (close_sent_) {  // the answer to ours: the handshake is complete
      closing_input_done_ = true;
      return finish();
    }
    peer_closed_ = true;
    closing_input_done_ = true;
    send_close(ws::close_reply_code(payload), "");
  }

  static bool is_type(const json::object& o, std::string_view type) {
    auto it = o.find("type");
    return it != o.end() && it->value().is_string() && it->value().get_string() == type;
  }

  // --- Writing ---------------------------------------------------------------

  // Control frames (the 101, pings, pongs, the close) are rare: their buffers live
  // apart and only while some are queued or being written (saves 56 bytes).
  struct Control {
    std::string next;  // for the next write
    std::string out;   // being written
  };

  // Control frames (the 101, pongs, pings) go out with the next write.
  void request_write() {
    if (!closed() && !writing()) shard_.mark_dirty(this);
  }
  bool wants_write() const override { return control_ && !control_->next.empty(); }
  Control& control() {
    if (!control_) control_ = std::make_unique<Control>();
    return *control_;
  }

  void write_batch(const std::vector<hub::FramePtr>& batch) override {
    static constexpr char newline = '\n';
    if (control_) {
      control_->out.swap(control_->next);
      writer_.add(control_->out);
    }
    if (!batch.empty()) {
      std::size_t bytes = batch.size() - 1;
      for (const auto& f : batch) bytes += f->size();
      writer_.add({header_.data(), ws::encode_header(ws::Opcode::text, bytes, header_)});
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (i) writer_.add({&newline, 1});
        writer_.add(*batch[i]);
      }
    }
    continue_write();
  }

  void continue_write() {
    switch (writer_.send(fd())) {
      case SocketWriter::Status::done:
        return written(true);
      case SocketWriter::Status::failed:
        return written(false);
      case SocketWriter::Status::pending:
        return wait_write();  // on_writable() goes on
    }
  }
  void on_writable() override { continue_write(); }

  void written(bool ok) {
    writer_.reset();
    // Control frames are rare (the 101, pings, pongs): an idle connection keeps no
    // buffer for them (the 101 answer's alone was ~250 bytes a connection).
    if (control_) control_->out.clear();
    if (control_ && control_->next.empty()) control_.reset();
    if (writing_close_) {
      writing_close_ = false;
      if (!ok || peer_closed_) return finish();
      // Ours was first: stop sending and wait (bounded by tick()) for the answer.
      shutdown(SHUT_WR);
      return;
    }
    write_done(ok);
    if (!ok) return abort();
    if (queued_close_ != 0 && !close_sent_) return close_after_queued(queued_close_);
    if (close_pending_) {
      close_pending_ = false;
      write_close_frame();
    } else if (wants_write()) {
      request_write();
    }
  }

  // Starts the closing handshake: nothing is queued or sent after the close frame.
  void send_close(std::uint16_t code, std::string_view reason) {
    if (close_sent_ || finished_) return;
    close_sent_ = true;
    close_started_ = Clock::now();
    mark_closed();
    held_.reset();
    control().next = ws::close_frame(code, reason);
    if (writing()) {
      close_pending_ = true;
    } else {
      write_close_frame();
    }
  }

  void write_close_frame() {
    writing_close_ = true;
    control().out.swap(control().next);
    writer_.add(control_->out);
    continue_write();
  }

  void abort() override {
    // Not finish() here: this can run inside the shard's delivery loop, which must
    // not see its tables change. The socket goes now; the rest right after.
    shutdown(SHUT_RDWR);
    asio::post(shard_.context(), [self = shared_from_this(), this] { finish(); });
  }

  // SINGLE_SESSION: the `kicked` frame, then close 4001. Not from inside the
  // shard's delivery loop, which is where this is called: posted.
  void on_kicked(const hub::FramePtr& notice) override {
    if (close_sent_ || finished_) return;
    enqueue(notice);
    asio::post(shard_.context(),
               [self = shared_from_this(), this] { close_after_queued(k_close_kicked); });
  }

  // Closes with `code` after what is queued has gone out: send_close() alone drops
  // the queue, which may hold the last events and the notice saying why. A write in
  // progress finishes first (written() comes back here), then the queue goes out
  // ahead of the close frame. Nothing more is queued meanwhile.
  void close_after_queued(std::uint16_t code) {
    if (close_sent_ || finished_) return;
    stop_delivery();
    if (queued_close_ == 0) close_started_ = Clock::now();
    queued_close_ = code;
    if (writing()) return;
    flush();
    send_close(code, close_reason(code));
  }

  static std::string_view close_reason(std::uint16_t code) {
    switch (code) {
      case k_close_kicked:
        return k_kick_reason;
      case ws::close_code::policy:
        return "token expired";
      default:
        return "server shutting down";
    }
  }

  void drain() override {
    // Shutdown: say "going away" (1001) so clients reconnect elsewhere or later.
    close_after_queued(ws::close_code::going_away);
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    mark_closed();
    detach();
    shard_.remove_tickable(this);
    held_.reset();
    // Closing the connection that asked for a match takes the user out of the queue.
    if (match_ticket_ != 0) chat_.drop_match(who_.user.id, match_ticket_);
    s_.metrics.connection_closed(http::Transport::ws);
    close();  // pending waits are dropped; the poller lets this session go
    parser_.release();
    std::string().swap(rbuf_);
  }

  // --- Frames ----------------------------------------------------------------

  void send_json(const json::object& o) { enqueue(hub::make_frame(json::serialize(o))); }

  static json::object error_json(const chat::Error& e, const json::object* context) {
    json::object o{{"type", "error"}, {"code", chat::status_of(e.kind)}, {"content", e.message}};
    if (context) {
      for (auto key : {"room", "client_id"}) {
        if (auto it = context->find(key); it != context->end()) o[key] = it->value();
      }
    }
    return o;
  }

  void send_error(const chat::Error& e, const json::object* context = nullptr) {
    send_json(error_json(e, context));
  }

  // One frame that runs alone (everything but `send`).
  asio::awaitable<void> run_frame(chat::Result<json::object> parsed) {
    auto self = shared_from_this();
    co_await handle(parsed);
    seq_busy_ = false;
    pump();
  }

  // One `send`; its answer is released in the order of the sends (respond()).
  asio::awaitable<void> run_send(json::object obj, std::uint64_t ticket) {
    auto self = shared_from_this();
    auto answer = co_await on_send(obj);
    auto frame = hub::make_frame(json::serialize(answer));
    respond(ticket, frame);
    --sends_;
    pump();
  }

  void respond(std::uint64_t ticket, const hub::FramePtr& frame) {
    if (ticket != next_release_) {
      early_answers_.emplace_back(ticket, frame);
      return;
    }
    enqueue(frame);
    ++next_release_;
    // Answers that finished before this one follow it now, in order.
    for (bool found = true; found && !early_answers_.empty();) {
      found = false;
      for (auto it = early_answers_.begin(); it != early_answers_.end(); ++it) {
        if (it->first != next_release_) continue;
        enqueue(it->second);
        ++next_release_;
        early_answers_.erase(it);
        found = true;
        break;
      }
    }
  }

  // By reference: see blocking.hpp on GCC 12 and temporaries in co_await.
  asio::awaitable<void> handle(chat::Result<json::object>& obj) {
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
    // Frames that carry only their type refuse extra fields like every other frame
    // (API.md: an unknown field is an error naming it), so a client's typo shows.
    if (type == "ping" || type == "get_online_list" || type == "get_offline" ||
        type == "leave_match") {
      if (auto in = JsonInput::of(json::object(*obj), {"type"}); !in) {
        co_return send_error(in.error());
      }
    }
    if (type == "subscribe") {
      co_await on_subscribe(*obj);
    } else if (type == "unsubscribe") {
      auto in = JsonInput::of(std::move(*obj), {"type", "room"});
      auto room = in ? in->string("room") : chat::Result<std::string>(in.error());
      if (!room) co_return send_error(room.error());
      if (!chat::is_valid_id(*room)) co_return send_error({ErrorKind::not_found, "no such room"});
      unfollow(*room);
    } else if (type == "typing") {  // (`send` never comes here: pump() runs it, in flight)
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
      // it does for the peer. Still waiting: say so, and leave the queue on close
      // (unless the place was matched or asked for again elsewhere by then).
      match_ticket_ = r->ticket;
      if (!r->matched) send_json({{"type", "waiting"}});
    } else if (type == "leave_match") {
      chat_.leave_match(who_.user.id);
      match_ticket_ = 0;
    } else if (type == "leave") {
      co_await on_leave(*obj);
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

  // The WebSocket counterpart of POST /api/rooms/{id}/leave: {type:"leave", room}.
  asio::awaitable<void> on_leave(json::object& obj) {
    auto in = JsonInput::of(std::move(obj), {"type", "room"});
    if (!in) co_return send_error(in.error());
    auto room = in->string("room");
    if (!room) co_return send_error(room.error(), &in->object());
    if (!chat::is_valid_id(*room)) {
      co_return send_error({ErrorKind::not_found, "no such room"}, &in->object());
    }
    auto r = co_await chat_.leave(who_, *room);
    if (closed()) co_return;
    if (!r) co_return send_error(r.error(), &in->object());
    send_json({{"type", "left"}, {"room", *room}});
  }

  asio::awaitable<void> on_get_offline() {
    auto r = co_await chat_.offline_messages(who_);
    if (closed()) co_return;
    if (!r) co_return send_error(r.error());
    json::array list;
    for (const auto& e : r->messages) {
      list.push_back(json::object{{"room", e.room},
                                  {"seq", e.seq},
                                  {"from_user_id", e.author.id},
                                  {"to_user_id", who_.user.id},
                                  {"content", e.text},
                                  {"created_at", format_time(e.created_at)}});
    }
    send_json({{"type", "offline_list"}, {"data", std::move(list)}, {"has_more", r->has_more}});
  }

  // The answer to a `send`: its ack, or the error.
  asio::awaitable<json::object> on_send(json::object& obj) {
    auto in = JsonInput::of(std::move(obj), {"type", "room", "text", "client_id"});
    if (!in) co_return error_json(in.error(), nullptr);
    auto room = in->string("room");
    auto text = in->string("text");
    auto client_id = in->optional_string("client_id");
    if (!room) co_return error_json(room.error(), &in->object());
    if (!text) co_return error_json(text.error(), &in->object());
    if (!client_id) co_return error_json(client_id.error(), &in->object());
    std::string cid = client_id->value_or("");
    auto r = co_await chat_.post_message(who_, *room, *text, cid);
    if (!r) co_return error_json(r.error(), &in->object());
    co_return json::object{{"type", "ack"},
                           {"client_id", cid},
                           {"room", *room},
                           {"seq", r->event ? r->event->seq : 0}};
  }

  // --- Streamer --------------------------------------------------------------

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
  ws::FrameParser parser_;
  std::string rbuf_;  // received, not yet handled: a partial frame, or frames held back
  // The next frame, waiting its turn; on the heap, as it rarely waits (saves 48 bytes).
  std::unique_ptr<chat::Result<json::object>> held_;
  std::unique_ptr<Control> control_;
  SocketWriter writer_;
  std::array<char, 10> header_{};
  std::vector<std::pair<std::uint64_t, hub::FramePtr>> early_answers_;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t next_release_ = 0;
  Clock::time_point last_read_{};
  Clock::time_point close_started_{};
  int sends_ = 0;          // `send` frames being stored
  bool seq_busy_ = false;  // a frame that runs alone is running
  bool pumping_ = false;
  bool ping_sent_ = false;
  bool close_sent_ = false;  // our close frame is queued or sent
  bool close_pending_ = false;
  bool writing_close_ = false;
  bool peer_closed_ = false;
  bool closing_input_done_ = false;  // nothing more is parsed
  bool finished_ = false;
  std::uint32_t match_ticket_ = 0;  // this connection's place in the random-chat queue
  std::uint16_t queued_close_ = 0;  // close_after_queued()'s code while it waits
};

}  // namespace

void start_ws_session(ChatService& chat, hub::Shard& shard, tcp::socket socket,
                      std::string accept_response, std::string early_bytes, Identity who) {
  auto session = std::make_shared<WsSession>(chat, shard, std::move(socket), std::move(who));
  session->start(std::move(accept_response), std::move(early_bytes));
}

}  // namespace parley::transport
