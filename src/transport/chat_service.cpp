#include "transport/chat_service.hpp"

#include <boost/json/serialize.hpp>

#include "chat/permissions.hpp"
#include "chat/validate.hpp"
#include "http/metrics.hpp"
#include "text/markdown.hpp"
#include "transport/encode.hpp"
#include "transport/store_call.hpp"

namespace parley::transport {

namespace asio = boost::asio;
namespace json = boost::json;

void ChatService::publish(const chat::Event& e) {
  s_.hub.publish(encode_event(e, s_.render_html));
  s_.metrics.events_stored();
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::append(
    const store::Command& cmd) {
  // Not a coroutine (see blocking.hpp); the initiation runs before this returns.
  return asio::async_initiate<const asio::use_awaitable_t<>, void(chat::Result<Appended>)>(
      [this](auto handler, const store::Command* cmd) {
        auto resume = resume_on_executor<Appended>(std::move(handler));
        s_.store.append(*cmd, [this, resume](chat::Result<Appended> r) {
          // Runs on the store thread, in commit order. Result first, then publish:
          // see the header for why.
          std::optional<chat::Event> to_publish;
          if (r && r->event && !r->duplicate) to_publish = *r->event;
          resume(std::move(r));
          if (to_publish) publish(*to_publish);
        });
      },
      asio::use_awaitable, &cmd);
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::post_message(
    const Identity& who, const std::string& room, const std::string& text,
    const std::string& client_id) {
  const auto& limits = s_.options.limits;
  if (auto ok = chat::check_message_text(text, limits); !ok) co_return std::unexpected(ok.error());
  if (auto ok = chat::check_client_id(client_id, limits); !ok) {
    co_return std::unexpected(ok.error());
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
  co_return r;
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::edit_message(
    const Identity& who, const std::string& room, chat::Seq seq, const std::string& text) {
  if (auto ok = chat::check_message_text(text, s_.options.limits); !ok) {
    co_return std::unexpected(ok.error());
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
    co_return std::unexpected(ok.error());
  }
  const store::Command toggle = store::ToggleReaction{room, who.user.id, seq, emoji};
  co_return co_await append(toggle);
}

asio::awaitable<chat::Result<ChatService::Appended>> ChatService::join(const Identity& who,
                                                                       const std::string& room) {
  auto r = co_await store_call<chat::Room>([&](auto cb) { s_.store.get_room(room, cb); });
  if (!r) co_return std::unexpected(r.error());
  auto member =
      co_await store_call<bool>([&](auto cb) { s_.store.is_member(room, who.user.id, cb); });
  if (!member) co_return std::unexpected(member.error());
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
  co_return co_await append(leave);
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
    if (!m) co_return std::unexpected(m.error());
    member = *m;
  }
  if (auto ok = chat::check_view(*r, member); !ok) co_return std::unexpected(ok.error());
  co_return r;
}

void ChatService::typing(const Identity& who, const std::string& room, bool on) {
  json::object o{{"type", "typing"}, {"room", room}, {"user_id", who.user.id}, {"on", on}};
  json::object data{{"room", room}, {"user_id", who.user.id}, {"name", who.user.name}, {"on", on}};
  s_.hub.publish(encode_transient(room, "typing", json::serialize(o), json::serialize(data)));
}

}  // namespace parley::transport
