#pragma once
// Awaiting a Store call from a coroutine. The store calls back on its own thread;
// this posts the result to the awaiting coroutine's executor, so session code
// resumes on its shard thread and stays lock-free. The post joins the thread's open
// hub::PostBatch if there is one (the writer's commit groups, app/serve.cpp).
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

#include "chat/error.hpp"
#include "hub/post_batch.hpp"
#include "store/store.hpp"

namespace parley::service {

// Wraps a store callback so that the awaiting coroutine resumes on its executor.
template <class T, class Handler>
store::Callback<T> resume_on_executor(Handler handler) {
  auto ex = boost::asio::get_associated_executor(handler);
  // store::Callback is a std::function, which must be copyable; the coroutine's
  // handler is move-only, so it travels in a shared_ptr.
  auto h = std::make_shared<Handler>(std::move(handler));
  return [ex, h](chat::Result<T> r) {
    hub::PostBatch::post(ex, [h, r = std::move(r)]() mutable { (*h)(std::move(r)); });
  };
}

// `start` receives a store::Callback<T> and passes it to one Store method, e.g.
//   auto room = co_await store_call<chat::Room>([&](auto cb) { store.get_room(id, cb); });
// `start` should capture by reference only (trivially copyable): see blocking.hpp
// for the GCC 12 bug that makes non-trivial temporaries in co_await unsafe.
template <class T, class Start>
boost::asio::awaitable<chat::Result<T>> store_call(Start&& start) {
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(chat::Result<T>)>(
      [](auto handler, Start&& start) { start(resume_on_executor<T>(std::move(handler))); },
      boost::asio::use_awaitable, std::forward<Start>(start));
}

}  // namespace parley::service
