#include "transport/member_rooms.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "bus/channels.hpp"

namespace parley::transport {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string quoted(const std::string& s) {
  return json::serialize(json::string(s));
}

// The object at `key` of `o`, or nullptr.
const json::object* object_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

std::string_view string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

chat::Seq seq_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

std::optional<json::object> parse_object(const std::string& s) {
  boost::system::error_code ec;
  auto v = json::parse(s, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

}  // namespace

MemberRooms::MemberRooms(hub::Shard& shard, hub::Subscriber& subscriber, chat::UserId user)
    : shard_(shard),
      subscriber_(subscriber),
      user_(std::move(user)),
      channel_(bus::user_channel(user_)),
      as_author_(R"("author":{"id":)" + quoted(user_)),
      as_reader_(R"("user_id":)" + quoted(user_) + ","),
      as_member_(R"("user":{"id":)" + quoted(user_)) {}

bool MemberRooms::follow(const std::string& room) {
  if (!rooms_.insert(room).second) return false;
  shard_.subscribe(room, &subscriber_);
  return true;
}

void MemberRooms::unfollow(const std::string& room) {
  if (rooms_.erase(room) > 0) shard_.unsubscribe(room, &subscriber_);
}

void MemberRooms::forget() {
  shard_.forget(&subscriber_, {rooms_.begin(), rooms_.end()});
  rooms_.clear();
}

asio::awaitable<chat::Result<std::vector<chat::RoomSummary>>> MemberRooms::list(
    service::Rooms& service) {
  auto rooms = co_await service.list(user_);
  // A member's read marker starts at their join event, so it is never 0; public
  // rooms the user has not joined are listed with read_seq 0.
  if (rooms) std::erase_if(*rooms, [](const chat::RoomSummary& r) { return r.read_seq <= 0; });
  co_return rooms;
}

// The WebSocket form of an event starts {"type":"event","room":..,"kind":..}; of a
// read notice {"type":"read","room":..,"user_id":..}. Looking for the user's id in
// them is exact: a quote inside JSON string data is always escaped.
RoomNews MemberRooms::read(const hub::Frames& frames) const {
  RoomNews news;
  const auto& ws = frames.get(hub::Format::ws);
  if (!ws) return news;
  if (frames.room == channel_) {
    auto o = parse_object(*ws);
    if (!o) return news;
    news.kind = RoomNews::Kind::notice;
    news.type = string_at(*o, "type");
    news.room = string_at(*o, "room");
    // Only `chat` notices (a direct message) carry a seq.
    news.seq = seq_at(*o, "seq");
    return news;
  }
  if (frames.seq > 0) {
    news.kind = RoomNews::Kind::event;
    news.room = frames.room;
    news.seq = frames.seq;
    const bool message = ws->find(R"("kind":"message")") != std::string::npos;
    news.own = message && ws->find(as_author_) != std::string::npos;
    news.message = message && !news.own;
    if (message) return news;
    if (ws->find(R"("kind":"delete")") != std::string::npos) {
      // An unread message that is deleted is no longer unread. Parsed only for
      // deletes, which are rare.
      if (auto o = parse_object(*ws)) {
        if (const auto* data = object_at(*o, "data")) news.deleted = seq_at(*data, "target_seq");
      }
    } else if (ws->find(R"("kind":"member")") != std::string::npos &&
               ws->find(as_member_) != std::string::npos) {
      if (auto o = parse_object(*ws)) {
        if (const auto* data = object_at(*o, "data")) {
          const auto action = string_at(*data, "action");
          news.left = action == "left" || action == "removed";
        }
      }
    }
    return news;
  }
  if (ws->starts_with(R"({"type":"read",)") && ws->find(as_reader_) != std::string::npos) {
    if (auto o = parse_object(*ws)) {
      news.kind = RoomNews::Kind::read;
      news.room = frames.room;
      news.seq = seq_at(*o, "seq");
    }
  }
  return news;
}

}  // namespace parley::transport
