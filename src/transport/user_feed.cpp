#include "transport/user_feed.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <unordered_set>

#include "transport/chat_service.hpp"
#include "transport/encode.hpp"
#include "transport/sse_stream.hpp"
#include "transport/store_call.hpp"
#include "transport/user_channel.hpp"

namespace parley::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;

namespace {

// Subscribes to its rooms on the shard directly rather than following them: a tick
// needs no order and no catch-up, only the newest seq, so Streamer's feeds (and their
// store reads) are not used; its queue, bound and flushing are.
class UserFeed final : public SseStream {
 public:
  UserFeed(ChatService& chat, hub::Shard& shard, beast::tcp_stream stream, Identity who,
           bool holds_match)
      : SseStream(chat.services(), shard, hub::Format::ws, std::move(who), std::move(stream)),
        chat_(chat),
        holds_match_(holds_match),
        channel_(user_channel(who_.user.id)),
        own_author_(R"("author":{"id":)" + json::serialize(json::string(who_.user.id))),
        own_reader_(R"("user_id":)" + json::serialize(json::string(who_.user.id)) + ",") {}

  void start() {
    // Before the head goes out: the page posts its find only once the stream is open,
    // so the hold is always in place by then.
    if (holds_match_) chat_.hold_match(who_.user.id);
    open();
    subscribe(channel_);
    asio::co_spawn(shard_.context(), snapshot(), asio::detached);
  }

 private:
  void subscribe(const std::string& room) {
    if (!subscribed_.insert(room).second) return;
    shard_.subscribe(room, this);
  }

  asio::awaitable<void> snapshot() {
    auto self = shared_from_this();
    // Subscribe first, then read the state the snapshot reports: an event committed
    // in between arrives as a tick (harmless, see the header) and never falls between.
    for (int pass = 0; pass < 2; ++pass) {
      auto rooms = co_await store_call<std::vector<chat::RoomSummary>>(
          [&](auto cb) { s_.store.list_rooms(who_.user.id, cb); });
      if (closed()) co_return;
      if (!rooms) {
        finish();
        co_return;
      }
      json::array out;
      for (const auto& r : *rooms) {
        // A member's read marker starts at their join event, so it is never 0;
        // public rooms the user has not joined are listed with read_seq 0.
        if (r.read_seq <= 0) continue;
        if (pass == 0) {
          subscribe(r.room.id);
        } else {
          out.push_back(json::object{{"room", r.room.id},
                                     {"last_seq", r.room.last_seq},
                                     {"read_seq", r.read_seq},
                                     {"unread", r.unread}});
        }
      }
      if (pass == 1) enqueue(hub::make_frame(sse_event({}, "rooms", json::serialize(out))));
    }
  }

  // The WebSocket form of an event starts {"type":"event","room":..,"kind":..}; of a
  // read notice {"type":"read","room":..,"user_id":..}. Looking for the user's id in
  // them is exact: a quote inside JSON string data is always escaped.
  void deliver(const hub::FramesPtr& frames) override {
    if (closed()) return;
    const auto& ws = frames->get(hub::Format::ws);
    if (!ws) return;
    if (frames->room == channel_) {
      on_notice(*ws);
      return;
    }
    if (frames->seq > 0) {
      const bool message = ws->find(R"("kind":"message")") != std::string::npos;
      const bool own = message && ws->find(own_author_) != std::string::npos;
      tick(frames->room, frames->seq, own, message && !own, deleted_target(*ws));
      return;
    }
    if (ws->starts_with(R"({"type":"read",)") && ws->find(own_reader_) != std::string::npos) {
      boost::system::error_code ec;
      auto v = json::parse(*ws, ec);
      if (ec || !v.is_object()) return;
      const auto* seq = v.as_object().if_contains("seq");
      json::object o{{"room", frames->room}, {"seq", seq != nullptr ? *seq : json::value(0)}};
      enqueue(hub::make_frame(sse_event({}, "read", json::serialize(o))));
    }
  }

  // A notice naming a room this feed does not follow yet (someone's first direct
  // message, a match): follow it from now on and tell the page.
  void on_notice(const std::string& payload) {
    boost::system::error_code ec;
    auto v = json::parse(payload, ec);
    if (ec || !v.is_object()) return;
    const auto& o = v.as_object();
    const auto* room = o.if_contains("room");
    if (room == nullptr || !room->is_string()) return;
    const std::string id(room->as_string());
    const auto* type = o.if_contains("type");
    const std::string_view kind =
        type != nullptr && type->is_string() ? std::string_view(type->as_string()) : "";
    // The random page acts on these itself (see the header); the payload is passed on.
    if (kind == "matched" || kind == "chat_ended") {
      if (kind == "matched") subscribe(id);
      enqueue(hub::make_frame(sse_event({}, kind, payload)));
      return;
    }
    if (!subscribed_.contains(id)) {
      subscribe(id);
      enqueue(hub::make_frame(sse_event({}, "room", json::serialize(json::object{{"room", id}}))));
    }
    // Only `chat` notices (a direct message) carry a seq: a message from someone else.
    if (const auto* seq = o.if_contains("seq"); seq != nullptr && seq->is_int64()) {
      tick(id, seq->as_int64(), false, true, 0);
    }
  }

  // The message a `delete` event removed (0 for any other event): an unread message
  // that is deleted is no longer unread. Parsed only for deletes, which are rare.
  static chat::Seq deleted_target(const std::string& ws) {
    if (ws.find(R"("kind":"delete")") == std::string::npos) return 0;
    boost::system::error_code ec;
    auto v = json::parse(ws, ec);
    if (ec || !v.is_object()) return 0;
    const auto* data = v.as_object().if_contains("data");
    if (data == nullptr || !data->is_object()) return 0;
    const auto* target = data->as_object().if_contains("target_seq");
    return target != nullptr && target->is_int64() ? target->as_int64() : 0;
  }

  void tick(const std::string& room, chat::Seq seq, bool own, bool message, chat::Seq deleted) {
    json::object o{{"room", room}, {"seq", seq}, {"own", own}, {"message", message}};
    if (deleted > 0) o["deleted"] = deleted;
    enqueue(hub::make_frame(sse_event({}, "tick", json::serialize(o))));
  }

  void on_finish() override {
    if (holds_match_) chat_.release_match(who_.user.id);
    shard_.forget(this, {subscribed_.begin(), subscribed_.end()});
    subscribed_.clear();
  }

  // Never used: this feed follows no room log.
  hub::FramePtr encode_replayed(const chat::Event&) override { return nullptr; }

  ChatService& chat_;
  bool holds_match_;
  std::string channel_;
  std::string own_author_;
  std::string own_reader_;
  std::unordered_set<std::string> subscribed_;
};

}  // namespace

void start_user_feed_session(ChatService& chat, hub::Shard& shard, beast::tcp_stream stream,
                             Identity who, bool holds_match) {
  std::make_shared<UserFeed>(chat, shard, std::move(stream), std::move(who), holds_match)->start();
}

}  // namespace parley::transport
