#pragma once
// Writing to a room's log and telling the room: every use case that stores an
// event goes through here, so all publish alike.
//
// Ordering: an appended event is published from the store's callback, i.e. on the
// store thread in commit order, so every subscriber sees a room's events in seq
// order. The caller's result is posted to its executor *before* the publish, so a
// WebSocket sender's ack precedes the event itself (API.md).
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "chat/error.hpp"
#include "service/context.hpp"
#include "service/store_call.hpp"
#include "store/store.hpp"

namespace parley::service {

using Appended = store::AppendResult;

class RoomLog {
 public:
  explicit RoomLog(Context& ctx) : ctx_(ctx) {}

  // Takes a reference (see blocking.hpp): callers keep `cmd` alive across the await.
  boost::asio::awaitable<chat::Result<Appended>> append(const store::Command& cmd);

  // What append() does around any store write that may append an event: `start`
  // receives the store callback. Not a coroutine (see blocking.hpp); the initiation
  // runs before this returns.
  template <class Start>
  boost::asio::awaitable<chat::Result<Appended>> append_with(Start&& start) {
    namespace asio = boost::asio;
    return asio::async_initiate<const asio::use_awaitable_t<>, void(chat::Result<Appended>)>(
        [this](auto handler, Start&& start) {
          auto resume = resume_on_executor<Appended>(std::move(handler));
          start(store::Callback<Appended>([this, resume](chat::Result<Appended> r) {
            // Runs on the store thread, in commit order. Result first, then publish:
            // see the header comment for why.
            std::optional<Appended> to_publish;
            if (r && r->event && !r->duplicate) to_publish = *r;
            resume(std::move(r));
            if (to_publish) publish(std::move(*to_publish));
          }));
        },
        asio::use_awaitable, std::forward<Start>(start));
  }

 private:
  // `a.event` is set.
  void publish(Appended a);

  Context& ctx_;
};

}  // namespace parley::service
