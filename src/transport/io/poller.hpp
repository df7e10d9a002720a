#pragma once
// Readiness of the long-lived connections (WebSocket, SSE), one epoll set per shard.
//
// Why not Asio's own reactor for these: it keeps a 168-byte descriptor state per
// socket and, for an idle connection, one pending wait operation (~120 bytes) with
// the socket object itself (48 bytes); measured with heaptrack on 2,000 idle
// WebSockets that was a third of all a connection held. Here a connection is a raw
// descriptor in an edge-triggered epoll set that the shard's io_context watches as
// one descriptor; a connection holds only its PollTarget links (docs/PERFORMANCE.md
// "Idle RSS").
//
// Everything runs on the shard's thread. A target stays alive while registered
// (`owner`), and is released only through a posted handler, so a target finished
// while the poller is dispatching a batch is still valid when its later events come
// (it ignores them). When the io_context is destroyed without the targets having
// finished (shutdown), the poller releases them.
#include <sys/epoll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <memory>

namespace parley::transport {

class Poller;

class PollTarget {
 public:
  // Some of EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLHUP, EPOLLERR: a change since the last
  // call (edge-triggered), so read or write until EAGAIN before waiting again.
  virtual void on_ready(std::uint32_t events) = 0;

 protected:
  PollTarget() = default;
  ~PollTarget() = default;
  PollTarget(const PollTarget&) = delete;
  PollTarget& operator=(const PollTarget&) = delete;

 private:
  friend class Poller;
  PollTarget* prev_ = nullptr;
  PollTarget* next_ = nullptr;
  std::shared_ptr<void> owner_;  // keeps the target alive while registered
};

class Poller final : public boost::asio::io_context::service {
 public:
  static boost::asio::io_context::id id;
  explicit Poller(boost::asio::io_context& context);
  ~Poller() override;

  // The shard's poller (made on first use).
  static Poller& of(boost::asio::io_context& context);

  // Watches `fd` (non-blocking) for `target`, kept alive by `owner` until remove().
  bool add(int fd, PollTarget& target, std::shared_ptr<void> owner);
  // Stops watching; the owner is let go after the current handler. Call before
  // closing the descriptor.
  void remove(int fd, PollTarget& target);

 private:
  void shutdown() override;
  void arm();
  void dispatch();

  int epoll_fd_ = -1;
  boost::asio::posix::stream_descriptor watch_;
  PollTarget* head_ = nullptr;
  bool stopped_ = false;
};

}  // namespace parley::transport
