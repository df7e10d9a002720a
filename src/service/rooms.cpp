#include "service/rooms.hpp"

#include <boost/json/serialize.hpp>

#include "auth/tokens.hpp"
#include "chat/permissions.hpp"
#include "chat/validate.hpp"
#include "service/notices.hpp"
#include "service/store_call.hpp"

namespace parley::service {

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<chat::Result<chat::Room>> Rooms::create(const Identity& who,
                                                        const std::string& name,
                                                        chat::Visibility visibility) {
  if (auto ok = chat::check_room_name(name, ctx_.options.limits); !ok) {
    co_return ok.error();
  }
  const store::NewRoom fresh{name, chat::RoomKind::group, visibility, who.user};
  auto room = co_await store_call<chat::Room>([&](auto cb) { ctx_.store.create_room(fresh, cb); });
  // The store writes the owner's join without publishing it (nobody follows the
  // room yet), so the room log cannot tell of it.
  if (room) announce_joined(ctx_.bus, who.user.id, room->id);
  if (room && room->visibility == chat::Visibility::public_room) {
    announce_public_room(ctx_.bus, "public_room", room->id);
  }
  co_return room;
}

asio::awaitable<chat::Result<Appended>> Rooms::join(const Identity& who, const std::string& room) {
  auto r = co_await store_call<chat::Room>([&](auto cb) { ctx_.store.get_room(room, cb); });
  if (!r) co_return r.error();
  auto member =
      co_await store_call<bool>([&](auto cb) { ctx_.store.is_member(room, who.user.id, cb); });
  if (!member) co_return member.error();
  if (*member) co_return Appended{std::nullopt, false, *r};
  if (auto ok = chat::check_join(*r); !ok) {
    // Don't reveal that a private room exists to someone who can't see it.
    co_return chat::fail(chat::ErrorKind::not_found, "no such room");
  }
  const store::Command join = store::JoinRoom{room, who.user, chat::MemberAction::joined};
  co_return co_await log_.append(join);
}

asio::awaitable<chat::Result<Appended>> Rooms::leave(const Identity& who, const std::string& room) {
  const store::Command leave = store::LeaveRoom{room, who.user, chat::MemberAction::left};
  auto r = co_await log_.append(leave);
  // A random chat is a conversation of two: when one side leaves, it ends for both.
  if (r && r->room.kind == chat::RoomKind::random) co_await matching_.end(who, room);
  // A group room its last member left is gone; the room log tells its followers.
  co_return r;
}

asio::awaitable<chat::Result<chat::Room>> Rooms::viewable(const Identity& who,
                                                          const std::string& room) {
  if (!chat::is_valid_id(room)) co_return chat::fail(chat::ErrorKind::not_found, "no such room");
  auto r = co_await store_call<chat::Room>([&](auto cb) { ctx_.store.get_room(room, cb); });
  if (!r) co_return r;
  bool member = false;
  if (r->visibility != chat::Visibility::public_room || r->kind != chat::RoomKind::group) {
    auto m =
        co_await store_call<bool>([&](auto cb) { ctx_.store.is_member(room, who.user.id, cb); });
    if (!m) co_return m.error();
    member = *m;
  }
  if (auto ok = chat::check_view(*r, member); !ok) co_return ok.error();
  co_return r;
}

asio::awaitable<chat::Result<std::vector<chat::RoomSummary>>> Rooms::list(
    const chat::UserId& user) {
  co_return co_await store_call<std::vector<chat::RoomSummary>>(
      [&](auto cb) { ctx_.store.list_rooms(user, cb); });
}

asio::awaitable<chat::Result<std::vector<chat::Member>>> Rooms::members(const chat::RoomId& room) {
  co_return co_await store_call<std::vector<chat::Member>>(
      [&](auto cb) { ctx_.store.list_members(room, cb); });
}

asio::awaitable<chat::Result<chat::Seq>> Rooms::mark_read(const Identity& who,
                                                          const std::string& room, chat::Seq seq) {
  if (seq < 0) co_return chat::fail(chat::ErrorKind::invalid, "seq must be >= 0");
  auto r = co_await store_call<chat::Seq>(
      [&](auto cb) { ctx_.store.set_read(room, who.user.id, seq, cb); });
  if (!r) co_return r;
  json::object o{{"type", "read"}, {"room", room}, {"user_id", who.user.id}, {"seq", *r}};
  json::object data{{"room", room}, {"user_id", who.user.id}, {"seq", *r}};
  notify_room(ctx_.bus, room, "read", json::serialize(o), json::serialize(data));
  co_return r;
}

void Rooms::typing(const Identity& who, const std::string& room, bool on) {
  json::object o{{"type", "typing"}, {"room", room}, {"user_id", who.user.id}, {"on", on}};
  json::object data{{"room", room}, {"user_id", who.user.id}, {"name", who.user.name}, {"on", on}};
  notify_room(ctx_.bus, room, "typing", json::serialize(o), json::serialize(data));
}

asio::awaitable<chat::Result<std::string>> Rooms::create_invite(const Identity& who,
                                                                const chat::RoomId& room,
                                                                chat::TimeMs expires_at) {
  std::string token = auth::random_token();
  const std::string hash = auth::sha256_hex(token);
  auto r = co_await store_call<void>(
      [&](auto cb) { ctx_.store.create_invite(room, who.user.id, hash, expires_at, cb); });
  if (!r) co_return r.error();
  co_return token;
}

asio::awaitable<chat::Result<Appended>> Rooms::redeem_invite(const Identity& who,
                                                             const std::string& token) {
  const std::string hash = auth::sha256_hex(token);
  co_return co_await log_.append_with([this, &hash, &who](store::Callback<Appended> done) {
    ctx_.store.redeem_invite(hash, who.user, done);
  });
}

}  // namespace parley::service
