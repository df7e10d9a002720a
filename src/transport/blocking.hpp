#pragma once
// Running blocking work (password hashing) on the worker pool and resuming the
// awaiting coroutine on its own executor, so a network thread never blocks.
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <type_traits>

namespace parley::transport {

template <class F>
auto blocking_call(boost::asio::thread_pool& pool, F fn)
    -> boost::asio::awaitable<std::invoke_result_t<F&>> {
  using T = std::invoke_result_t<F&>;
  auto ex = co_await boost::asio::this_coro::executor;
  co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(T)>(
      [ex, &pool, &fn](auto handler) {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        boost::asio::post(pool, [ex, h, fn = std::move(fn)]() mutable {
          T value = fn();
          boost::asio::post(ex, [h, value = std::move(value)]() mutable { (*h)(std::move(value)); });
        });
      },
      boost::asio::use_awaitable);
}

}  // namespace parley::transport
