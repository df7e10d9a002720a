#pragma once
// Running blocking work (password hashing) on the worker pool and resuming the
// awaiting coroutine on its own executor, so a network thread never blocks.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <type_traits>

namespace parley::service {

// GCC 12 bitwise-copies non-trivial temporaries that appear inside a co_await
// expression (ASan saw a closure's std::string freed twice), so callers pass a
// named closure by reference and this copies it outside any coroutine:
//   auto work = [p = password] { return hash(p); };
//   auto hash = co_await blocking_call(pool, work);
// Nor `const auto x = co_await ...`: GCC 12 gave such a const variable a garbage
// value (web/oauth_routes.cpp); leave it non-const.
template <class F>
auto blocking_call(boost::asio::thread_pool& pool, const F& fn) {
  using T = std::invoke_result_t<F&>;
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(T)>(
      [&pool](auto handler, F fn) {
        auto ex = boost::asio::get_associated_executor(handler);
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        boost::asio::post(pool, [ex, h, fn = std::move(fn)]() mutable {
          T value = fn();
          boost::asio::post(ex,
                            [h, value = std::move(value)]() mutable { (*h)(std::move(value)); });
        });
      },
      boost::asio::use_awaitable, F(fn));
}

}  // namespace parley::service
