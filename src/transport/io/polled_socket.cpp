#include "transport/io/polled_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>

namespace parley::transport {

PolledSocket::PolledSocket(boost::asio::ip::tcp::socket socket) {
  boost::system::error_code ec;
  const int fd = socket.release(ec);
  if (ec || fd < 0) return;
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    ::close(fd);
    return;
  }
  fd_ = fd;
}

PolledSocket::~PolledSocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool PolledSocket::watch(boost::asio::io_context& context, std::shared_ptr<void> owner) {
  if (fd_ < 0) return false;
  poller_ = &Poller::of(context);
  return poller_->add(fd_, *this, std::move(owner));
}

PolledSocket::Read PolledSocket::read_some(std::span<char> into, std::size_t& n) {
  n = 0;
  if (fd_ < 0) return Read::error;
  while (true) {
    const ssize_t r = ::recv(fd_, into.data(), into.size(), 0);
    if (r > 0) {
      n = static_cast<std::size_t>(r);
      return Read::data;
    }
    if (r == 0) return Read::eof;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      readable_ = false;
      return Read::would_block;
    }
    return Read::error;
  }
}

void PolledSocket::wait_read() {
  if (fd_ < 0 || want_read_) return;
  want_read_ = true;
  if (!readable_ || read_posted_) return;
  // Edge-triggered: no new edge comes for data that is already waiting. Posted, not
  // called: the caller is often the last read's handler. `this` is safe: the owner
  // is let go by a handler posted after this one (Poller::remove).
  read_posted_ = true;
  boost::asio::post(poller_->get_io_context(), [this] {
    read_posted_ = false;
    if (fd_ < 0 || !want_read_) return;
    want_read_ = false;
    on_readable();
  });
}

void PolledSocket::wait_write() {
  if (fd_ >= 0) want_write_ = true;
}

void PolledSocket::on_ready(std::uint32_t events) {
  if (fd_ < 0) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    readable_ = true;
    if (want_read_ && !read_posted_) {
      want_read_ = false;
      on_readable();
    }
  }
  if (fd_ >= 0 && want_write_ && (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))) {
    want_write_ = false;
    on_writable();
  }
}

void PolledSocket::shutdown(int how) noexcept {
  if (fd_ >= 0) ::shutdown(fd_, how);
}

void PolledSocket::close() {
  if (fd_ < 0) return;
  if (poller_) poller_->remove(fd_, *this);
  ::close(fd_);
  fd_ = -1;
  want_read_ = want_write_ = false;
}

}  // namespace parley::transport
