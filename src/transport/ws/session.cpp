#include "transport/ws/session.hpp"

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
#include "service/event_json.hpp"
#include "service/sessions.hpp"
#include "transport/encode.hpp"
#include "transport/io/polled_socket.hpp"
#include "transport/io/socket_writer.hpp"
#include "transport/json_input.hpp"
#include "transport/service.hpp"
#include "transport/streamer.hpp"
#include "transport/ws/commands.hpp"
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

class WsSession final : public Streamer,
                        public hub::Tickable,
                        public PolledSocket,
                        public ws::Connection {
 public:
  WsSession(Services& services, hub::Shard& shard, tcp::socket socket, Identity who)
      : Streamer(services, shard, hub::Format::ws, metrics::Transport::ws, std::move(who)),
        PolledSocket(std::move(socket)),
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
      queue_control(ws::control_frame(ws::Opcode::ping, ""));
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
    // closed() without our close frame: the queue passed its bound or a write
    // failed. Nothing that is left can be answered, so nothing more is parsed.
    while (!finished_ && (close_sent_ || !closed())) {
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
      const bool is_send = *held_ && ws::is_type(**held_, "send");
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
        // Every ping is answered (RFC 6455 5.5.2), and every pong counts against
        // the outgoing bound: a peer that pings without reading is closed there
        // instead of growing this queue without end.
        if (!close_sent_) queue_control(ws::control_frame(ws::Opcode::pong, frame.payload));
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
  void queue_control(std::string_view frame) {
    if (closed()) return;
    control().next += frame;
    if (within_bound()) request_write();
  }
  bool wants_write() const override { return control_ && !control_->next.empty(); }
  std::size_t own_output_bytes() const override {
    return control_ ? control_->next.size() + control_->out.size() : 0;
  }
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
        return service::k_kick_reason;
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
    if (match_ticket_ != 0) s_.matching.drop(who_.user.id, match_ticket_);
    s_.metrics.connection_closed(metrics::Transport::ws);
    close();  // pending waits are dropped; the poller lets this session go
    parser_.release();
    std::string().swap(rbuf_);
  }

  // --- Frames ----------------------------------------------------------------

  // One frame that runs alone (everything but `send`).
  asio::awaitable<void> run_frame(chat::Result<json::object> parsed) {
    auto self = shared_from_this();
    co_await run_command(*this, parsed);
    seq_busy_ = false;
    pump();
  }

  // One `send`; its answer is released in the order of the sends (respond()).
  asio::awaitable<void> run_send(json::object obj, std::uint64_t ticket) {
    auto self = shared_from_this();
    auto answer = co_await ws::run_send(*this, obj);
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

  // --- ws::Connection: what the commands (commands.hpp) may do ------------------

  const Identity& who() const override { return who_; }
  Services& services() override { return s_; }
  void send_json(const json::object& o) override { enqueue(hub::make_frame(json::serialize(o))); }
  bool is_closed() const override { return closed(); }
  bool is_following(const std::string& room) const override { return following(room); }
  void follow_room(const std::string& room, chat::Seq after) override { follow(room, after); }
  void unfollow_room(const std::string& room) override { unfollow(room); }
  void set_match_ticket(std::uint32_t ticket) override { match_ticket_ = ticket; }

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

void start_ws_session(Services& services, hub::Shard& shard, tcp::socket socket,
                      std::string accept_response, std::string early_bytes, Identity who) {
  auto session = std::make_shared<WsSession>(services, shard, std::move(socket), std::move(who));
  session->start(std::move(accept_response), std::move(early_bytes));
}

}  // namespace parley::transport
