#include "service/matching.hpp"

#include <boost/json/serialize.hpp>

#include "service/event_json.hpp"
#include "service/notices.hpp"
#include "service/store_call.hpp"

namespace parley::service {

namespace asio = boost::asio;
namespace json = boost::json;

std::uint32_t Matching::new_ticket() {
  if (++next_ticket_ == 0) ++next_ticket_;  // 0 means "no place"
  return next_ticket_;
}

chat::Result<std::optional<Matching::Waiting>> Matching::pair_or_wait(const Identity& who,
                                                                      bool needs_connection,
                                                                      std::uint32_t& ticket) {
  std::lock_guard lock(mu_);
  const auto& id = who.user.id;
  if (pairing_.contains(id)) {
    return chat::fail(chat::ErrorKind::conflict, "already being matched with someone");
  }
  if (auto it = waiting_.find(id); it != waiting_.end()) {
    ticket = it->second.ticket = new_ticket();  // the latest ask holds the place
    return std::nullopt;
  }
  while (auto pair = queue_.join(id)) {
    auto it = waiting_.find(pair->first);
    if (it == waiting_.end()) continue;
    Waiting peer = std::move(it->second);
    waiting_.erase(it);
    // Someone whose connections are all gone would hear of the match nowhere and
    // leave the other waiting in an empty chat: they are out of the queue instead.
    if (!ctx_.presence.online(peer.user.id)) continue;
    pairing_.insert(id);
    pairing_.insert(peer.user.id);
    return peer;
  }
  if (needs_connection && !ctx_.presence.online(id)) {
    queue_.leave(id);
    return chat::fail(chat::ErrorKind::conflict,
                      "nobody is waiting, and a match could not reach you: open /api/events "
                      "or /api/ws first, then ask again");
  }
  ticket = new_ticket();
  waiting_[id] = Waiting{who.user, ticket};
  return std::nullopt;
}

asio::awaitable<chat::Result<Appended>> Matching::open_room(const Identity& who,
                                                            const chat::UserRef& peer) {
  const store::NewRoom fresh{"random chat", chat::RoomKind::random, chat::Visibility::private_room,
                             peer};
  auto room = co_await store_call<chat::Room>([&](auto cb) { ctx_.store.create_room(fresh, cb); });
  if (!room) co_return room.error();
  const store::Command add = store::JoinRoom{room->id, who.user, chat::MemberAction::added};
  auto joined = co_await log_.append(add);
  if (!joined) {
    // Half a chat is none: the peer's leaving deletes the room.
    const store::Command undo = store::LeaveRoom{room->id, peer, chat::MemberAction::left};
    co_await log_.append(undo);
  }
  co_return joined;
}

asio::awaitable<chat::Result<Matching::MatchResult>> Matching::join(const Identity& who,
                                                                    bool needs_connection) {
  // One random chat at a time: a second would leave the first stranger talking to
  // nobody who looks at it.
  auto rooms = co_await store_call<std::vector<chat::RoomSummary>>(
      [&](auto cb) { ctx_.store.list_rooms(who.user.id, cb); });
  if (!rooms) co_return rooms.error();
  for (const auto& r : *rooms) {
    if (r.room.kind == chat::RoomKind::random) {
      co_return chat::fail(chat::ErrorKind::conflict,
                           "already in a random chat (room " + r.room.id + "); leave it first");
    }
  }
  std::uint32_t ticket = 0;
  auto paired = pair_or_wait(who, needs_connection, ticket);
  if (!paired) co_return paired.error();
  if (!*paired) {
    MatchResult waiting;
    waiting.ticket = ticket;
    co_return waiting;
  }
  const Waiting peer = std::move(**paired);
  auto made = co_await open_room(who, peer.user);
  {
    std::lock_guard lock(mu_);
    pairing_.erase(who.user.id);
    pairing_.erase(peer.user.id);
    // The peer waited longest; our failure must not cost it its place.
    if (!made && !waiting_.contains(peer.user.id)) {
      waiting_[peer.user.id] = peer;
      queue_.requeue_front(peer.user.id);
    }
  }
  if (!made) co_return made.error();
  auto matched = [&](const chat::UserRef& other) {
    return json::serialize(
        json::object{{"type", "matched"}, {"room", made->room.id}, {"peer", user_ref_json(other)}});
  };
  notify_user(ctx_.bus, peer.user.id, "matched", matched(who.user));
  notify_user(ctx_.bus, who.user.id, "matched", matched(peer.user));
  co_return MatchResult{true, made->room, peer.user, 0};
}

bool Matching::leave(const chat::UserId& user) {
  std::lock_guard lock(mu_);
  waiting_.erase(user);
  return queue_.leave(user);
}

void Matching::drop(const chat::UserId& user, std::uint32_t ticket) {
  std::lock_guard lock(mu_);
  auto it = waiting_.find(user);
  if (it == waiting_.end() || it->second.ticket != ticket) return;
  waiting_.erase(it);
  queue_.leave(user);
}

void Matching::connections_gone(const chat::UserId& user) {
  leave(user);
}

void Matching::hold(const chat::UserId& user) {
  std::lock_guard lock(mu_);
  ++holds_[user];
}

void Matching::release(const chat::UserId& user) {
  std::lock_guard lock(mu_);
  auto it = holds_.find(user);
  if (it == holds_.end() || --it->second > 0) return;
  holds_.erase(it);
  waiting_.erase(user);
  queue_.leave(user);
}

asio::awaitable<void> Matching::end(const Identity& who, const chat::RoomId& room) {
  const std::string notice =
      json::serialize(json::object{{"type", "chat_ended"}, {"room", room}, {"by", who.user.id}});
  // The leaver is out already; whoever is left is removed. Both sides are told, on
  // every connection: the leaver's other tabs show the end too.
  auto members = co_await store_call<std::vector<chat::Member>>(
      [&](auto cb) { ctx_.store.list_members(room, cb); });
  if (members) {
    for (const auto& m : *members) {
      const store::Command remove = store::LeaveRoom{room, m.user, chat::MemberAction::removed};
      co_await log_.append(remove);
      notify_user(ctx_.bus, m.user.id, "chat_ended", notice);
    }
  }
  notify_user(ctx_.bus, who.user.id, "chat_ended", notice);
}

}  // namespace parley::service
