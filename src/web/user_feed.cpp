#include "web/user_feed.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "bus/channels.hpp"
#include "transport/encode.hpp"
#include "transport/member_rooms.hpp"
#include "transport/service.hpp"
#include "transport/sse/stream.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;
using transport::MemberRooms;
using transport::RoomNews;
using transport::sse_event;
using transport::SseStream;

namespace {

// Follows the user's rooms through MemberRooms: a tick needs only the newest seq.
class UserFeed final : public SseStream {
 public:
  UserFeed(service::Services& services, hub::Shard& shard, beast::tcp_stream stream,
           service::Identity who, bool holds_match)
      : SseStream(services, shard, hub::Format::ws, std::move(who), std::move(stream)),
        holds_match_(holds_match),
        rooms_(shard_, *this, who_.user.id) {}

  void start() {
    // Before the head goes out: the page posts its find only once the stream is open,
    // so the hold is always in place by then.
    if (holds_match_) s_.matching.hold(who_.user.id);
    open();
    shard_.subscribe(rooms_.channel(), this);
    shard_.subscribe(bus::k_public_rooms_channel, this);
    asio::co_spawn(shard_.context(), snapshot(), asio::detached);
  }

 private:
  asio::awaitable<void> snapshot() {
    auto self = shared_from_this();
    // Subscribe first, then read the state the snapshot reports: an event committed
    // in between arrives as a tick (harmless, see the header) and never falls between.
    for (int pass = 0; pass < 2; ++pass) {
      auto rooms = co_await rooms_.list(s_.rooms);
      if (closed()) co_return;
      if (!rooms) {
        finish();
        co_return;
      }
      json::array out;
      for (const auto& r : *rooms) {
        if (pass == 0) {
          rooms_.follow(r.room.id);
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

  void deliver(const hub::FramesPtr& frames) override {
    if (closed()) return;
    if (frames->room == bus::k_public_rooms_channel) {
      // Passed on as published: the SSE event `type` with {type, room}, one frame
      // shared by every page (the sidebar adds or drops the room).
      if (const auto& notice = frames->get(hub::Format::sse_json)) enqueue(notice);
      return;
    }
    auto news = rooms_.read(*frames);
    switch (news.kind) {
      case RoomNews::Kind::none:
        return;
      case RoomNews::Kind::event:
        return tick(news.room, news.seq, news.own, news.message, news.deleted);
      case RoomNews::Kind::read: {
        json::object o{{"room", news.room}, {"seq", news.seq}};
        enqueue(hub::make_frame(sse_event({}, "read", json::serialize(o))));
        return;
      }
      case RoomNews::Kind::notice:
        return on_notice(news, *frames->get(hub::Format::ws));
    }
  }

  // A notice naming a room this feed does not follow yet (someone's first direct
  // message, a match): follow it from now on and tell the page.
  void on_notice(const RoomNews& notice, const std::string& payload) {
    if (notice.room.empty()) return;
    // The random page acts on these itself (see the header); the payload is passed on.
    if (notice.type == "matched" || notice.type == "chat_ended") {
      if (notice.type == "matched") rooms_.follow(notice.room);
      enqueue(hub::make_frame(sse_event({}, notice.type, payload)));
      return;
    }
    if (rooms_.follow(notice.room)) {
      enqueue(hub::make_frame(
          sse_event({}, "room", json::serialize(json::object{{"room", notice.room}}))));
    }
    // Only `chat` notices (a direct message) carry a seq: a message from someone else.
    if (notice.seq > 0) tick(notice.room, notice.seq, false, true, 0);
  }

  void tick(const std::string& room, chat::Seq seq, bool own, bool message, chat::Seq deleted) {
    json::object o{{"room", room}, {"seq", seq}, {"own", own}, {"message", message}};
    if (deleted > 0) o["deleted"] = deleted;
    enqueue(hub::make_frame(sse_event({}, "tick", json::serialize(o))));
  }

  void on_finish() override {
    if (holds_match_) s_.matching.release(who_.user.id);
    rooms_.forget();
    shard_.unsubscribe(rooms_.channel(), this);
    shard_.unsubscribe(bus::k_public_rooms_channel, this);
  }

  // Never used: this feed follows no room log.
  hub::FramePtr encode_replayed(const chat::Event&) override { return nullptr; }

  bool holds_match_;
  MemberRooms rooms_;
};

}  // namespace

void start_user_feed_session(service::Services& services, hub::Shard& shard,
                             beast::tcp_stream stream, service::Identity who, bool holds_match) {
  std::make_shared<UserFeed>(services, shard, std::move(stream), std::move(who), holds_match)
      ->start();
}

}  // namespace parley::web
