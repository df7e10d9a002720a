#include "transport/sse/user_stream.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>
#include <utility>
#include <vector>

#include "service/event_json.hpp"
#include "service/unread_counts.hpp"
#include "transport/dm_cursor.hpp"
#include "transport/encode.hpp"
#include "transport/member_rooms.hpp"
#include "transport/service.hpp"
#include "transport/sse/stream.hpp"

namespace parley::transport {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;

namespace {

// The cursor of a live `chat` notice, from its own fields (its WebSocket form is the
// JSON object direct_notice_json() made).
std::optional<DmCursor> cursor_of_notice(const std::string& payload) {
  boost::system::error_code ec;
  auto v = json::parse(payload, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  const auto* room = o.if_contains("room");
  const auto* seq = o.if_contains("seq");
  const auto* at = o.if_contains("created_at");
  if (!room || !room->is_string() || !seq || !seq->is_int64() || !at || !at->is_string()) {
    return std::nullopt;
  }
  auto ms = parse_time(at->get_string());
  if (!ms) return std::nullopt;
  return DmCursor{*ms, std::string(room->get_string()), seq->get_int64()};
}

class UserStream final : public SseStream {
 public:
  UserStream(Services& services, hub::Shard& shard, beast::tcp_stream stream, Identity who,
             std::optional<DmCursor> resume)
      : SseStream(services, shard, hub::Format::sse_json, std::move(who), std::move(stream)),
        resume_(std::move(resume)),
        rooms_(shard_, *this, who_.user.id) {}

  void start() {
    open();
    replaying_ = true;
    // Listening first, reading second: a DM committed in between is in both, and
    // sent once.
    listen_user_channel();
    asio::co_spawn(shard_.context(), replay(), asio::detached);
    counting_ = true;
    asio::co_spawn(shard_.context(), count(), asio::detached);
  }

 private:
  void deliver(const hub::FramesPtr& frames) override {
    if (closed() || kicked() || frames->kick_before != 0) return Streamer::deliver(frames);
    if (!on_user_channel(frames)) return on_room(rooms_.read(*frames));
    const auto& ws = frames->get(hub::Format::ws);
    if (!ws) return Streamer::deliver(frames);
    on_notice(rooms_.read(*frames));
    if (!ws->starts_with(R"({"type":"chat",)")) return Streamer::deliver(frames);
    auto cursor = cursor_of_notice(*ws);
    if (!cursor) return Streamer::deliver(frames);  // sent as it is, without an id
    if (replaying_) {
      held_.emplace_back(std::move(*cursor), ws);
      return;
    }
    send_live(*cursor, *ws);
  }

  // Follows no room log: nothing is replayed from one.
  hub::FramePtr encode_replayed(const chat::Event&) override { return nullptr; }

  void on_finish() override { rooms_.forget(); }

  // A DM's notice is published a store read after its commit (the room's members
  // are looked up first), so it can arrive after the replay that already sent it.
  void send_live(const DmCursor& c, const std::string& payload) {
    if (replayed_.erase({c.room, c.seq}) > 0) return;
    send_dm(c, payload);
  }

  void send_dm(const DmCursor& c, const std::string& payload) {
    if (resume_ && c <= *resume_) return;  // the client had it before it reconnected
    enqueue(hub::make_frame(sse_event(c.to_string(), "chat", payload)));
  }

  asio::awaitable<void> replay() {
    auto self = shared_from_this();
    // The same store call as get_offline, so both always report the same DMs.
    auto unread = co_await s_.direct.offline(who_);
    if (closed() || kicked()) co_return;
    if (!unread) {
      // The stream can't report it in-band; the client reconnects from its
      // Last-Event-ID and loses nothing.
      finish();
      co_return;
    }
    // In cursor order, so a client's Last-Event-ID is always the furthest it got.
    std::vector<std::pair<DmCursor, const chat::Event*>> replayed;
    replayed.reserve(unread->messages.size());
    for (const auto& e : unread->messages) replayed.emplace_back(DmCursor::of(e), &e);
    std::sort(replayed.begin(), replayed.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [cursor, e] : replayed) {
      replayed_.emplace(e->room, e->seq);
      send_dm(cursor, json::serialize(direct_notice_json(*e, who_.user.id)));
    }
    replaying_ = false;
    for (const auto& [cursor, payload] : held_) send_live(cursor, *payload);
    std::vector<std::pair<DmCursor, hub::FramePtr>>().swap(held_);
  }

  // Unread counts (unread_counts.hpp): what a followed room's events change.
  void on_room(const RoomNews& news) {
    switch (news.kind) {
      case RoomNews::Kind::event:
        if (news.left) {
          drop(news.room);
        } else if (news.message || news.own) {
          report(counts_.message(news.room, news.seq, news.own));
        } else if (news.deleted > 0) {
          report(counts_.deleted(news.room, news.seq, news.deleted));
        } else {
          counts_.other_event(news.room, news.seq);
        }
        break;
      case RoomNews::Kind::read:
        report(counts_.read(news.room, news.seq));
        break;
      default:
        return;
    }
    // A marker that stops inside a store count (own message or read) makes it stale.
    want_counts();
  }

  // A room the user's channel names: a room joined, a new direct room or random
  // chat is counted from now on; an ended random chat is gone.
  void on_notice(const RoomNews& notice) {
    if (notice.room.empty()) return;
    if (notice.type == "chat_ended") return drop(notice.room);
    if (notice.type != "chat" && notice.type != "matched" && notice.type != "joined") return;
    rooms_.follow(notice.room);
    if (counts_.has(notice.room)) return;
    counts_.add(notice.room);
    want_counts();
  }

  // No more counts for `room`. The shard's delivery loop, which this runs in, must
  // not see its tables change (a room's last subscriber leaving erases its entry):
  // the subscription ends right after, unless the room was followed again since.
  void drop(const std::string& room) {
    counts_.remove(room);
    asio::post(shard_.context(), [self = shared_from_this(), this, room] {
      if (!counts_.has(room)) rooms_.unfollow(room);
    });
  }

  void want_counts() {
    if (counting_ || !counts_.wants_count()) return;
    counting_ = true;
    asio::co_spawn(shard_.context(), count(), asio::detached);
  }

  // Reads the store's counts while some room waits for one. The first time, it
  // follows every member room and then reads again (follow first, read second:
  // nothing falls between), and ends with the snapshot of every room's count.
  asio::awaitable<void> count() {
    auto self = shared_from_this();
    do {
      const std::uint64_t round = counts_.begin_count();
      auto rooms = co_await rooms_.list(s_.rooms);
      if (closed() || kicked()) co_return;
      if (!rooms) {
        finish();  // as for the replay: the reconnect starts over, with a snapshot
        co_return;
      }
      if (!snapshot_sent_) {
        for (const auto& r : *rooms) {
          rooms_.follow(r.room.id);
          counts_.add(r.room.id);  // a room already counted is left as it is
        }
      }
      for (const auto& c : counts_.counted(round, *rooms)) send_unread(c);
    } while (counts_.wants_count());
    counting_ = false;
    if (snapshot_sent_) co_return;
    snapshot_sent_ = true;
    for (const auto& c : counts_.snapshot()) send_unread(c);
  }

  void report(const std::optional<service::UnreadCount>& c) {
    if (c) send_unread(*c);
  }

  void send_unread(const service::UnreadCount& c) {
    json::object o{
        {"room", c.room}, {"unread", c.unread}, {"read_seq", c.read_seq}, {"last_seq", c.last_seq}};
    enqueue(hub::make_frame(sse_event({}, "unread", json::serialize(o))));
  }

  std::optional<DmCursor> resume_;
  bool replaying_ = false;
  // Live DMs that arrived while the unread ones were being read.
  std::vector<std::pair<DmCursor, hub::FramePtr>> held_;
  // Replayed DMs whose live notice may still come: each is dropped when it does
  // (at most the 500 of one replay, most gone moments after it).
  std::set<std::pair<std::string, chat::Seq>> replayed_;
  MemberRooms rooms_;
  service::UnreadCounts counts_;
  bool counting_ = false;  // count() runs
  bool snapshot_sent_ = false;
};

}  // namespace

void start_user_stream(Services& services, hub::Shard& shard, beast::tcp_stream stream,
                       Identity who, std::string_view resume) {
  auto session = std::make_shared<UserStream>(services, shard, std::move(stream), std::move(who),
                                              DmCursor::parse(resume));
  session->start();
}

}  // namespace parley::transport
