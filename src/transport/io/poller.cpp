#include "transport/io/poller.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <boost/asio/post.hpp>
#include <cerrno>

namespace parley::transport {

namespace asio = boost::asio;

asio::io_context::id Poller::id;

Poller::Poller(asio::io_context& context)
    : asio::io_context::service(context),
      epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      watch_(context) {
  if (epoll_fd_ < 0) {
    spdlog::error("epoll_create1 failed: {}", errno);
    return;
  }
  boost::system::error_code ec;
  watch_.assign(epoll_fd_, ec);
  if (ec) {
    spdlog::error("poller: {}", ec.message());
    return;
  }
  arm();
}

Poller::~Poller() {
  boost::system::error_code ignored;
  watch_.close(ignored);  // closes epoll_fd_
}

Poller& Poller::of(asio::io_context& context) {
  return asio::use_service<Poller>(context);
}

bool Poller::add(int fd, PollTarget& target, std::shared_ptr<void> owner) {
  if (stopped_ || !watch_.is_open()) return false;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = &target;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return false;
  target.owner_ = std::move(owner);
  target.prev_ = nullptr;
  target.next_ = head_;
  if (head_) head_->prev_ = &target;
  head_ = &target;
  return true;
}

void Poller::remove(int fd, PollTarget& target) {
  if (!target.owner_) return;
  if (watch_.is_open()) ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  if (target.prev_) {
    target.prev_->next_ = target.next_;
  } else {
    head_ = target.next_;
  }
  if (target.next_) target.next_->prev_ = target.prev_;
  target.prev_ = target.next_ = nullptr;
  // Not here: the target may be running, or later in the batch being dispatched.
  if (stopped_) {
    target.owner_.reset();
  } else {
    asio::post(get_io_context(), [owner = std::move(target.owner_)] {});
  }
}

void Poller::arm() {
  watch_.async_wait(asio::posix::stream_descriptor::wait_read,
                    [this](boost::system::error_code ec) {
                      if (ec) return;
                      dispatch();
                      arm();
                    });
}

void Poller::dispatch() {
  std::array<epoll_event, 256> events;
  while (true) {
    const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    for (int i = 0; i < n; ++i) {
      static_cast<PollTarget*>(events[i].data.ptr)->on_ready(events[i].events);
    }
    // Fewer than asked: the set is drained, and the next event is a new edge on the
    // epoll descriptor itself.
    if (n < static_cast<int>(events.size())) return;
  }
}

void Poller::shutdown() {
  // The io_context is going away with targets still registered (server shutdown):
  // let them go now, while what their destructors use still exists.
  stopped_ = true;
  while (head_) {
    PollTarget* t = head_;
    head_ = t->next_;
    t->prev_ = t->next_ = nullptr;
    auto owner = std::move(t->owner_);
    owner.reset();
  }
}

}  // namespace parley::transport
