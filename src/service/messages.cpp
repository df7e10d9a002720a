#include "service/messages.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

#include "chat/validate.hpp"
#include "metrics/metrics.hpp"
#include "service/event_json.hpp"
#include "service/notices.hpp"
#include "service/store_call.hpp"
#include "text/markdown.hpp"

namespace parley::service {

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<chat::Result<Appended>> Messages::post(const Identity& who, const std::string& room,
                                                       const std::string& text,
                                                       const std::string& client_id) {
  const auto& limits = ctx_.options.limits;
  if (auto ok = chat::check_message_text(text, limits); !ok) co_return ok.error();
  if (auto ok = chat::check_client_id(client_id, limits); !ok) {
    co_return ok.error();
  }
  if (!ctx_.send_rate.allow(who.user.id)) {
    ctx_.metrics.rate_limited();
    co_return chat::fail(chat::ErrorKind::rate_limited, "sending too fast; slow down");
  }
  const store::Command post =
      store::PostMessage{room, who.user, text, text::render_markdown(text), {}, client_id};
  auto r = co_await log_.append(post);
  if (!r && r.error().kind == chat::ErrorKind::forbidden) {
    // Posting to a public room one has not joined joins it first (as a user who
    // opens a public channel and types expects); private rooms stay forbidden.
    auto room_r = co_await store_call<chat::Room>([&](auto cb) { ctx_.store.get_room(room, cb); });
    if (room_r && room_r->kind == chat::RoomKind::group &&
        room_r->visibility == chat::Visibility::public_room) {
      auto joined = co_await rooms_.join(who, room);
      if (!joined) co_return joined;
      r = co_await log_.append(post);
    }
  }
  if (r && r->event && !r->duplicate && r->room.kind == chat::RoomKind::direct) {
    co_await notify_direct(*r->event);
  }
  co_return r;
}

asio::awaitable<void> Messages::notify_direct(const chat::Event& e) {
  auto members = co_await store_call<std::vector<chat::Member>>(
      [&](auto cb) { ctx_.store.list_members(e.room, cb); });
  if (!members) {
    // Stored, so not lost: the recipient gets it from get_offline and on the next
    // /api/events connection, but not live. Say so rather than fail silently.
    spdlog::warn("direct message {}#{}: no live notice, members unreadable: {}", e.room, e.seq,
                 members.error().message);
    co_return;
  }
  for (const auto& m : *members) {
    if (m.user.id == e.author.id) continue;
    notify_user(ctx_.bus, m.user.id, "chat", json::serialize(direct_notice_json(e, m.user.id)));
  }
}

asio::awaitable<chat::Result<Appended>> Messages::edit(const Identity& who, const std::string& room,
                                                       chat::Seq seq, const std::string& text) {
  if (auto ok = chat::check_message_text(text, ctx_.options.limits); !ok) {
    co_return ok.error();
  }
  const store::Command edit =
      store::EditMessage{room, who.user.id, seq, text, text::render_markdown(text)};
  co_return co_await log_.append(edit);
}

asio::awaitable<chat::Result<Appended>> Messages::remove(const Identity& who,
                                                         const std::string& room, chat::Seq seq) {
  const store::Command del = store::DeleteMessage{room, who.user.id, seq};
  co_return co_await log_.append(del);
}

asio::awaitable<chat::Result<Appended>> Messages::react(const Identity& who,
                                                        const std::string& room, chat::Seq seq,
                                                        const std::string& emoji) {
  if (auto ok = chat::check_emoji(emoji, ctx_.options.limits); !ok) {
    co_return ok.error();
  }
  const store::Command toggle = store::ToggleReaction{room, who.user.id, seq, emoji};
  co_return co_await log_.append(toggle);
}

asio::awaitable<chat::Result<store::HistoryPage>> Messages::history(const store::HistoryQuery& q) {
  co_return co_await store_call<store::HistoryPage>([&](auto cb) { ctx_.store.history(q, cb); });
}

asio::awaitable<chat::Result<std::vector<store::MessageAnnotation>>> Messages::annotations(
    const chat::RoomId& room, chat::Seq first, chat::Seq last) {
  co_return co_await store_call<std::vector<store::MessageAnnotation>>(
      [&](auto cb) { ctx_.store.annotations(room, first, last, cb); });
}

}  // namespace parley::service
