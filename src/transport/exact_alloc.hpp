#pragma once
// A handler allocator that asks malloc for exactly the operation's size.
//
// Asio's default allocator recycles blocks per thread: an operation takes whatever
// cached block is big enough, whatever its size. That suits short operations, but
// an idle connection's readiness wait lives for hours, and measured (heaptrack, 2,000
// idle WebSockets) each one sat in a 440-490 byte block freed by the HTTP request's
// read, about three times its own size. The long-lived waits bind this allocator.
#include <boost/asio/bind_allocator.hpp>
#include <memory>

namespace parley::transport {

template <class T>
struct ExactAllocator {
  using value_type = T;
  ExactAllocator() noexcept = default;
  template <class U>
  ExactAllocator(const ExactAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return std::allocator<T>().allocate(n); }
  void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>().deallocate(p, n); }
  template <class U>
  bool operator==(const ExactAllocator<U>&) const noexcept {
    return true;
  }
};

template <class Handler>
auto exact_alloc(Handler&& handler) {
  return boost::asio::bind_allocator(ExactAllocator<void>(), std::forward<Handler>(handler));
}

}  // namespace parley::transport
