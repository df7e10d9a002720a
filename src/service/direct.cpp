#include "service/direct.hpp"

#include "chat/validate.hpp"
#include "service/store_call.hpp"

namespace parley::service {

namespace asio = boost::asio;

asio::awaitable<chat::Result<Appended>> Direct::send(const Identity& who, const chat::UserId& to,
                                                     const std::string& text,
                                                     const std::string& client_id) {
  if (to == who.user.id) co_return chat::fail(chat::ErrorKind::invalid, "cannot message yourself");
  if (!chat::is_valid_id(to)) co_return chat::fail(chat::ErrorKind::not_found, "no such user");
  auto peer = co_await store_call<chat::User>([&](auto cb) { ctx_.store.get_user(to, cb); });
  if (!peer) co_return chat::fail(chat::ErrorKind::not_found, "no such user");
  auto room = co_await store_call<chat::Room>(
      [&](auto cb) { ctx_.store.direct_room(who.user, peer->ref(), cb); });
  if (!room) co_return room.error();
  co_return co_await messages_.post(who, room->id, text, client_id);
}

asio::awaitable<chat::Result<Direct::Offline>> Direct::offline(const Identity& who) {
  // One past the cap tells whether more wait, without a count.
  auto r = co_await store_call<std::vector<chat::Event>>(
      [&](auto cb) { ctx_.store.unread_direct_messages(who.user.id, k_max_offline + 1, cb); });
  if (!r) co_return r.error();
  Offline out;
  out.has_more = r->size() > static_cast<std::size_t>(k_max_offline);
  if (out.has_more) r->resize(static_cast<std::size_t>(k_max_offline));
  out.messages = std::move(*r);
  co_return out;
}

asio::awaitable<chat::Result<chat::Room>> Direct::open(const Identity& who,
                                                       const chat::UserId& other_id) {
  if (other_id == who.user.id) {
    co_return chat::fail(chat::ErrorKind::invalid, "a direct room needs another user");
  }
  if (!chat::is_valid_id(other_id))
    co_return chat::fail(chat::ErrorKind::not_found, "no such user");
  auto other = co_await store_call<chat::User>([&](auto cb) { ctx_.store.get_user(other_id, cb); });
  if (!other) co_return chat::fail(chat::ErrorKind::not_found, "no such user");
  // The caller's own record, not the token's name: the room's members carry the
  // current name and avatar.
  auto me = co_await store_call<chat::User>([&](auto cb) { ctx_.store.get_user(who.user.id, cb); });
  if (!me) co_return me.error();
  co_return co_await store_call<chat::Room>(
      [&](auto cb) { ctx_.store.direct_room(me->ref(), other->ref(), cb); });
}

asio::awaitable<chat::Result<std::optional<chat::RoomId>>> Direct::shared_room(
    const chat::UserId& a, const chat::UserId& b) {
  co_return co_await store_call<std::optional<chat::RoomId>>(
      [&](auto cb) { ctx_.store.shared_direct_room(a, b, cb); });
}

}  // namespace parley::service
