#pragma once
// Writes a gather list of buffers to a socket the way the fan-out needs it: one
// non-blocking sendmsg() at once, and only what the socket did not take waits for
// it to become writable. On loopback and a healthy client the first call sends
// everything, so a delivery is one system call with no allocation and no Asio
// operation (docs/PERFORMANCE.md finding 2: Beast's and Asio's composed writes
// cost thousands of instructions and ~20 allocations per write).
//
// The buffers are not copied: they must stay valid until the write completes.
#include <sys/uio.h>

#include <cstddef>
#include <string_view>
#include <vector>

namespace parley::transport {

class SocketWriter {
 public:
  // Adds a buffer to the write being prepared.
  void add(std::string_view bytes) {
    if (!bytes.empty()) iov_.push_back({const_cast<char*>(bytes.data()), bytes.size()});
  }
  bool empty() const noexcept { return first_ == iov_.size(); }

  enum class Status { done, pending, failed };
  // Sends as much as the socket takes now (`fd` must be non-blocking).
  // done: all sent (the list is cleared); pending: wait for writability and call
  // again; failed: the connection is broken.
  Status send(int fd);

  // Forgets the list and, after a large write, its memory.
  void reset();
  // Between writes: gives back the list's memory too (an idle connection keeps none).
  void release() {
    if (!empty()) return;
    first_ = 0;
    std::vector<iovec>().swap(iov_);  // `iov_ = {}` would keep the capacity
  }

 private:
  std::vector<iovec> iov_;
  std::size_t first_ = 0;
};

}  // namespace parley::transport
