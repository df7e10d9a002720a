#include "transport/io/socket_writer.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace parley::transport {

SocketWriter::Status SocketWriter::send(int fd) {
  while (first_ < iov_.size()) {
    msghdr msg{};
    msg.msg_iov = iov_.data() + first_;
    msg.msg_iovlen = std::min<std::size_t>(iov_.size() - first_, IOV_MAX);
    const ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Status::pending;
      return Status::failed;
    }
    // Drop what was sent: whole buffers, then the front of a partial one.
    auto left = static_cast<std::size_t>(n);
    while (first_ < iov_.size() && left >= iov_[first_].iov_len) {
      left -= iov_[first_].iov_len;
      ++first_;
    }
    if (left > 0) {
      iov_[first_].iov_base = static_cast<char*>(iov_[first_].iov_base) + left;
      iov_[first_].iov_len -= left;
    }
  }
  reset();
  return Status::done;
}

void SocketWriter::reset() {
  first_ = 0;
  iov_.clear();
  // A broadcast write is a few buffers; a catch-up can be thousands. Keep the
  // small case's memory, give back the large one's.
  if (iov_.capacity() > 64) iov_.shrink_to_fit();
}

}  // namespace parley::transport
