#pragma once
// Awaiting a Store call from a coroutine. The store calls back on its own thread;
// this posts the result to the awaiting coroutine's executor, so session code
// resumes on its shard thread and stays lock-free.
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

#include "chat/error.hpp"
#include "store/store.hpp"

namespace parley::transport {

// `start` receives a store::Callback<T> and passes it to one Store method, e.g.
//   auto room = co_await store_call<chat::Room>([&](auto cb) { store.get_room(id, cb); });
// `before_post` (optional) runs on the store thread first; append uses it to publish
// in commit order.
template <class T, class Start>
boost::asio::awaitable<chat::Result<T>> store_call(Start start) {
  auto ex = co_await boost::asio::this_coro::executor;
  co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>,
                                                 void(chat::Result<T>)>(
      [ex, &start](auto handler) {
        // store::Callback is a std::function, which must be copyable; the
        // coroutine's handler is move-only, so it travels in a shared_ptr.
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        start(store::Callback<T>([ex, h](chat::Result<T> r) {
          boost::asio::post(ex, [h, r = std::move(r)]() mutable { (*h)(std::move(r)); });
        }));
      },
      boost::asio::use_awaitable);
}

}  // namespace parley::transport
