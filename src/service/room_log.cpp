#include "service/room_log.hpp"

#include <boost/json/serialize.hpp>

#include "metrics/metrics.hpp"
#include "service/notices.hpp"

namespace parley::service {

namespace json = boost::json;

void RoomLog::publish(Appended a) {
  chat::Event& e = *a.event;
  // The last member's leaving deleted a group room. Whoever still follows it (a
  // visitor of a public room, another tab) is told, rather than finding out from a
  // 404 at their next action. Told here, on the store thread right after the leave
  // itself, so every follower sees the leave before the deletion.
  const bool deleted = e.kind == chat::EventKind::member && e.action == chat::MemberAction::left &&
                       a.room.kind == chat::RoomKind::group && a.room.members_count <= 0;
  // Joining a room (not being added to a random chat: `matched` tells of that) is
  // news for the joiner's other connections too: the streams that follow the user's
  // rooms (transport/user_stream.hpp, web/user_feed.hpp) follow it from then on.
  std::optional<std::pair<chat::UserId, chat::RoomId>> joined;
  if (e.kind == chat::EventKind::member && e.action == chat::MemberAction::joined) {
    joined.emplace(e.member.id, e.room);
  }
  ctx_.bus.publish_event(std::move(e));
  ctx_.metrics.events_stored();
  if (joined) announce_joined(ctx_.bus, joined->first, joined->second);
  if (deleted) {
    notify_room(ctx_.bus, a.room.id, "room_deleted",
                json::serialize(json::object{{"type", "room_deleted"}, {"room", a.room.id}}),
                json::serialize(json::object{{"room", a.room.id}}));
    if (a.room.visibility == chat::Visibility::public_room) {
      announce_public_room(ctx_.bus, "room_deleted", a.room.id);
    }
  }
}

boost::asio::awaitable<chat::Result<Appended>> RoomLog::append(const store::Command& cmd) {
  return append_with(
      [this, &cmd](store::Callback<Appended> done) { ctx_.store.append(cmd, done); });
}

}  // namespace parley::service
