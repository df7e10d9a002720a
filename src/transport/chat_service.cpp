#include "transport/chat_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

#include "auth/tokens.hpp"
#include "chat/permissions.hpp"
#include "chat/validate.hpp"
#include "metrics/metrics.hpp"
#include "text/markdown.hpp"
#include "transport/encode.hpp"
#include "transport/event_json.hpp"
#include "transport/store_call.hpp"
#include "transport/user_channel.hpp"

namespace parley::transport {

namespace asio = boost::asio;
namespace json = boost::json;

void ChatService::publish(Appended a) {
  chat::Event& e = *a.event;
  // The last member's leaving deleted a group room. Whoever still follows it (a
  // visitor of a public room, another tab) is told, rather than finding out from a
  // 404 at their next action. Told here, on the store thread right after the leave
  // itself, so every follower sees the leave before the deletion.
  const bool deleted = e.kind == chat::EventKind::member && e.action == chat::MemberAction::left &&
                       a.room.kind == chat::RoomKind::group && a.room.members_count <= 0;
  // Joining a room (not being added to a random chat: `matched` tells of that) is
  // news for the joiner's other connections too: the streams that follow the user's
  // rooms (user_stream.hpp, user_feed.hpp) follow it from then on.
  std::optional<std::pair<chat::UserId, chat::RoomId>> joined;
  if (e.kind == chat::EventKind::member && e.action == chat::MemberAction::joined) {
    joined.emplace(e.member.id, e.room);
  }
  s_.hub.publish(encode_event(std::move(e), s_.render_html));
  s_.metrics.events_stored();
  if (joined) announce_joined(s_.hub, joined->first, joined->second);
  if (deleted) {
    json::object o{{"type", "room_deleted"}, {"room", a.room.id}};
    json::object data{{"room", a.room.id}};
    s_.hub.publish(
        encode_transient(a.room.id, "room_deleted", json::serialize(o), json::serialize(data)));
    if (a.room.visibility == chat::Visibility::public_room) {
      announce_public_room(s_.hub, "room_deleted", a.room.id);
    }
  }
}

template <class Start>
asio::awaitable<chat::Result<ChatService::Appended>> ChatService::append_with(Start&& start) {
  // Not a coroutine (see blocking.hpp); the initiation runs before this returns.
  return asio::async_initiate<const asio::use_awaitable_t<>, void(chat::Result<Appended>)>(
      [this](auto handler, Start&& start) {
        auto resume = resume_on_executor<Appended>(std::move(handler));
        start(store::Callback<Appended>([this, resume](chat::Result<Appended> r) {
          // Runs on the store thread, in commit order. Result first, then publish:
          // see the header for why.
          std::optional<Appended> to_publish;
          if (r && r->event && !r->duplicate) to_publish = *r;
          resume(std::move(r));
          if (to_publish) publish(std::move(*to_publish));
        }));
      },
      asio::use_awaitable, std::forward<Start>(start));
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::append(
    const store::Command& cmd) {
  return append_with([this, &cmd](store::Callback<Appended> done) { s_.store.append(cmd, done); });
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::redeem_invite(
    const Identity& who, const std::string& token) {
  const std::string hash = auth::sha256_hex(token);
  co_return co_await append_with([this, &hash, &who](store::Callback<Appended> done) {
    s_.store.redeem_invite(hash, who.user, done);
  });
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::post_message(
    const Identity& who, const std::string& room, const std::string& text,
    const std::string& client_id) {
  const auto& limits = s_.options.limits;
  if (auto ok = chat::check_message_text(text, limits); !ok) co_return ok.error();
  if (auto ok = chat::check_client_id(client_id, limits); !ok) {
    co_return ok.error();
  }
  if (!s_.send_rate.allow(who.user.id)) {
    s_.metrics.rate_limited();
    co_return chat::fail(chat::ErrorKind::rate_limited, "sending too fast; slow down");
  }
  const store::Command post =
      store::PostMessage{room, who.user, text, text::render_markdown(text), {}, client_id};
  auto r = co_await append(post);
  if (!r && r.error().kind == chat::ErrorKind::forbidden) {
    // Posting to a public room one has not joined joins it first (as a user who
    // opens a public channel and types expects); private rooms stay forbidden.
    auto room_r = co_await store_call<chat::Room>([&](auto cb) { s_.store.get_room(room, cb); });
    if (room_r && room_r->kind == chat::RoomKind::group &&
        room_r->visibility == chat::Visibility::public_room) {
      auto joined = co_await join(who, room);
      if (!joined) co_return joined;
      r = co_await append(post);
    }
  }
  if (r && r->event && !r->duplicate && r->room.kind == chat::RoomKind::direct) {
    co_await notify_direct(*r->event);
  }
  co_return r;
}

asio::awaitable<void> ChatService::notify_direct(const chat::Event& e) {
  auto members = co_await store_call<std::vector<chat::Member>>(
      [&](auto cb) { s_.store.list_members(e.room, cb); });
  if (!members) {
    // Stored, so not lost: the recipient gets it from get_offline and on the next
    // /api/events connection, but not live. Say so rather than fail silently.
    spdlog::warn("direct message {}#{}: no live notice, members unreadable: {}", e.room, e.seq,
                 members.error().message);
    co_return;
  }
  for (const auto& m : *members) {
    if (m.user.id == e.author.id) continue;
    notify_user(s_.hub, m.user.id, "chat", json::serialize(direct_notice_json(e, m.user.id)));
  }
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::send_direct(
    const Identity& who, const chat::UserId& to, const std::string& text,
    const std::string& client_id) {
  if (to == who.user.id) co_return chat::fail(chat::ErrorKind::invalid, "cannot message yourself");
  if (!chat::is_valid_id(to)) co_return chat::fail(chat::ErrorKind::not_found, "no such user");
  auto peer = co_await store_call<chat::User>([&](auto cb) { s_.store.get_user(to, cb); });
  if (!peer) co_return chat::fail(chat::ErrorKind::not_found, "no such user");
  auto room = co_await store_call<chat::Room>(
      [&](auto cb) { s_.store.direct_room(who.user, peer->ref(), cb); });
  if (!room) co_return room.error();
  co_return co_await post_message(who, room->id, text, client_id);
}

asio::awaitable<chat::Result<ChatService::Offline>> ChatService::offline_messages(
    const Identity& who) {
  // One past the cap tells whether more wait, without a count.
  auto r = co_await store_call<std::vector<chat::Event>>(
      [&](auto cb) { s_.store.unread_direct_messages(who.user.id, k_max_offline + 1, cb); });
  if (!r) co_return r.error();
  Offline out;
  out.has_more = r->size() > static_cast<std::size_t>(k_max_offline);
  if (out.has_more) r->resize(static_cast<std::size_t>(k_max_offline));
  out.messages = std::move(*r);
  co_return out;
}

std::uint32_t ChatService::new_ticket() {
  if (++next_ticket_ == 0) ++next_ticket_;  // 0 means "no place"
  return next_ticket_;
}

chat::Result<std::optional<ChatService::Waiting>> ChatService::pair_or_wait(const Identity& who,
                                                                            bool needs_connection,
                                                                            std::uint32_t& ticket) {
  std::lock_guard lock(match_mu_);
  const auto& id = who.user.id;
  if (pairing_.contains(id)) {
    return chat::fail(chat::ErrorKind::conflict, "already being matched with someone");
  }
  if (auto it = waiting_.find(id); it != waiting_.end()) {
    ticket = it->second.ticket = new_ticket();  // the latest ask holds the place
    return std::nullopt;
  }
  while (auto pair = match_queue_.join(id)) {
    auto it = waiting_.find(pair->first);
    if (it == waiting_.end()) continue;
    Waiting peer = std::move(it->second);
    waiting_.erase(it);
    // Someone whose connections are all gone would hear of the match nowhere and
    // leave the other waiting in an empty chat: they are out of the queue instead.
    if (!s_.presence.online(peer.user.id)) continue;
    pairing_.insert(id);
    pairing_.insert(peer.user.id);
    return peer;
  }
  if (needs_connection && !s_.presence.online(id)) {
    match_queue_.leave(id);
    return chat::fail(chat::ErrorKind::conflict,
                      "nobody is waiting, and a match could not reach you: open /api/events "
                      "or /api/ws first, then ask again");
  }
  ticket = new_ticket();
  waiting_[id] = Waiting{who.user, ticket};
  return std::nullopt;
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::open_random_room(
    const Identity& who, const chat::UserRef& peer) {
  const store::NewRoom fresh{"random chat", chat::RoomKind::random, chat::Visibility::private_room,
                             peer};
  auto room = co_await store_call<chat::Room>([&](auto cb) { s_.store.create_room(fresh, cb); });
  if (!room) co_return room.error();
  const store::Command add = store::JoinRoom{room->id, who.user, chat::MemberAction::added};
  auto joined = co_await append(add);
  if (!joined) {
    // Half a chat is none: the peer's leaving deletes the room.
    const store::Command undo = store::LeaveRoom{room->id, peer, chat::MemberAction::left};
    co_await append(undo);
  }
  co_return joined;
}

asio::awaitable<chat::Result<ChatService::MatchResult>> ChatService::join_match(
    const Identity& who, bool needs_connection) {
  // One random chat at a time: a second would leave the first stranger talking to
  // nobody who looks at it.
  auto rooms = co_await store_call<std::vector<chat::RoomSummary>>(
      [&](auto cb) { s_.store.list_rooms(who.user.id, cb); });
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
  auto made = co_await open_random_room(who, peer.user);
  {
    std::lock_guard lock(match_mu_);
    pairing_.erase(who.user.id);
    pairing_.erase(peer.user.id);
    // The peer waited longest; our failure must not cost it its place.
    if (!made && !waiting_.contains(peer.user.id)) {
      waiting_[peer.user.id] = peer;
      match_queue_.requeue_front(peer.user.id);
    }
  }
  if (!made) co_return made.error();
  auto matched = [&](const chat::UserRef& other) {
    return json::serialize(
        json::object{{"type", "matched"}, {"room", made->room.id}, {"peer", user_ref_json(other)}});
  };
  notify_user(s_.hub, peer.user.id, "matched", matched(who.user));
  notify_user(s_.hub, who.user.id, "matched", matched(peer.user));
  co_return MatchResult{true, made->room, peer.user, 0};
}

bool ChatService::leave_match(const chat::UserId& user) {
  std::lock_guard lock(match_mu_);
  waiting_.erase(user);
  return match_queue_.leave(user);
}

void ChatService::drop_match(const chat::UserId& user, std::uint32_t ticket) {
  std::lock_guard lock(match_mu_);
  auto it = waiting_.find(user);
  if (it == waiting_.end() || it->second.ticket != ticket) return;
  waiting_.erase(it);
  match_queue_.leave(user);
}

void ChatService::connections_gone(const chat::UserId& user) {
  leave_match(user);
}

void ChatService::hold_match(const chat::UserId& user) {
  std::lock_guard lock(match_mu_);
  ++match_holds_[user];
}

void ChatService::release_match(const chat::UserId& user) {
  std::lock_guard lock(match_mu_);
  auto it = match_holds_.find(user);
  if (it == match_holds_.end() || --it->second > 0) return;
  match_holds_.erase(it);
  waiting_.erase(user);
  match_queue_.leave(user);
}

asio::awaitable<void> ChatService::end_random(const Identity& who, const chat::RoomId& room) {
  const std::string notice =
      json::serialize(json::object{{"type", "chat_ended"}, {"room", room}, {"by", who.user.id}});
  // The leaver is out already; whoever is left is removed. Both sides are told, on
  // every connection: the leaver's other tabs show the end too.
  auto members = co_await store_call<std::vector<chat::Member>>(
      [&](auto cb) { s_.store.list_members(room, cb); });
  if (members) {
    for (const auto& m : *members) {
      const store::Command remove = store::LeaveRoom{room, m.user, chat::MemberAction::removed};
      co_await append(remove);
      notify_user(s_.hub, m.user.id, "chat_ended", notice);
    }
  }
  notify_user(s_.hub, who.user.id, "chat_ended", notice);
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::edit_message(
    const Identity& who, const std::string& room, chat::Seq seq, const std::string& text) {
  if (auto ok = chat::check_message_text(text, s_.options.limits); !ok) {
    co_return ok.error();
  }
  const store::Command edit =
      store::EditMessage{room, who.user.id, seq, text, text::render_markdown(text)};
  co_return co_await append(edit);
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::delete_message(
    const Identity& who, const std::string& room, chat::Seq seq) {
  const store::Command del = store::DeleteMessage{room, who.user.id, seq};
  co_return co_await append(del);
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::react(const Identity& who,
                                                                        const std::string& room,
                                                                        chat::Seq seq,
                                                                        const std::string& emoji) {
  if (auto ok = chat::check_emoji(emoji, s_.options.limits); !ok) {
    co_return ok.error();
  }
  const store::Command toggle = store::ToggleReaction{room, who.user.id, seq, emoji};
  co_return co_await append(toggle);
}

asio::awaitable<chat::Result<chat::Room>> ChatService::create_room(const Identity& who,
                                                                   const std::string& name,
                                                                   chat::Visibility visibility) {
  if (auto ok = chat::check_room_name(name, s_.options.limits); !ok) {
    co_return ok.error();
  }
  const store::NewRoom fresh{name, chat::RoomKind::group, visibility, who.user};
  auto room = co_await store_call<chat::Room>([&](auto cb) { s_.store.create_room(fresh, cb); });
  // The store writes the owner's join without publishing it (nobody follows the
  // room yet), so publish() cannot tell of it.
  if (room) announce_joined(s_.hub, who.user.id, room->id);
  if (room && room->visibility == chat::Visibility::public_room) {
    announce_public_room(s_.hub, "public_room", room->id);
  }
  co_return room;
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::join(const Identity& who,
                                                                       const std::string& room) {
  auto r = co_await store_call<chat::Room>([&](auto cb) { s_.store.get_room(room, cb); });
  if (!r) co_return r.error();
  auto member =
      co_await store_call<bool>([&](auto cb) { s_.store.is_member(room, who.user.id, cb); });
  if (!member) co_return member.error();
  if (*member) co_return Appended{std::nullopt, false, *r};
  if (auto ok = chat::check_join(*r); !ok) {
    // Don't reveal that a private room exists to someone who can't see it.
    co_return chat::fail(chat::ErrorKind::not_found, "no such room");
  }
  const store::Command join = store::JoinRoom{room, who.user, chat::MemberAction::joined};
  co_return co_await append(join);
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::leave(const Identity& who,
                                                                        const std::string& room) {
  const store::Command leave = store::LeaveRoom{room, who.user, chat::MemberAction::left};
  auto r = co_await append(leave);
  // A random chat is a conversation of two: when one side leaves, it ends for both.
  if (r && r->room.kind == chat::RoomKind::random) co_await end_random(who, room);
  // A group room its last member left is gone; publish() tells its followers.
  co_return r;
}

asio::awaitable<chat::Result<chat::Seq>> ChatService::mark_read(const Identity& who,
                                                                const std::string& room,
                                                                chat::Seq seq) {
  if (seq < 0) co_return chat::fail(chat::ErrorKind::invalid, "seq must be >= 0");
  auto r = co_await store_call<chat::Seq>(
      [&](auto cb) { s_.store.set_read(room, who.user.id, seq, cb); });
  if (!r) co_return r;
  json::object o{{"type", "read"}, {"room", room}, {"user_id", who.user.id}, {"seq", *r}};
  json::object data{{"room", room}, {"user_id", who.user.id}, {"seq", *r}};
  s_.hub.publish(encode_transient(room, "read", json::serialize(o), json::serialize(data)));
  co_return r;
}

asio::awaitable<chat::Result<chat::Room>> ChatService::viewable_room(const Identity& who,
                                                                     const std::string& room) {
  if (!chat::is_valid_id(room)) co_return chat::fail(chat::ErrorKind::not_found, "no such room");
  auto r = co_await store_call<chat::Room>([&](auto cb) { s_.store.get_room(room, cb); });
  if (!r) co_return r;
  bool member = false;
  if (r->visibility != chat::Visibility::public_room || r->kind != chat::RoomKind::group) {
    auto m = co_await store_call<bool>([&](auto cb) { s_.store.is_member(room, who.user.id, cb); });
    if (!m) co_return m.error();
    member = *m;
  }
  if (auto ok = chat::check_view(*r, member); !ok) co_return ok.error();
  co_return r;
}

void ChatService::typing(const Identity& who, const std::string& room, bool on) {
  json::object o{{"type", "typing"}, {"room", room}, {"user_id", who.user.id}, {"on", on}};
  json::object data{{"room", room}, {"user_id", who.user.id}, {"name", who.user.name}, {"on", on}};
  s_.hub.publish(encode_transient(room, "typing", json::serialize(o), json::serialize(data)));
}

}  // namespace parley::transport
