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

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string_view>
#include <vector>

namespace parley::transport {

// A long-lived session's socket, typed with its shard's own executor rather than
// any_io_executor: the socket object and each pending wait are smaller by the
// polymorphic executor they would carry (measured on idle WebSockets: the socket
// 88 -> 48 bytes, a pending readiness wait 216 -> 120).
using Socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

// Moves an accepted connection onto a Socket of `context` (the same descriptor).
// On failure the socket returned is closed, which the session sees on first use.
Socket adopt_socket(boost::asio::ip::tcp::socket socket, boost::asio::io_context& context);

class SocketWriter {
 public:
  // Adds a buffer to the write being prepared.
  void add(std::string_view bytes) {
    if (!bytes.empty()) iov_.push_back({const_cast<char*>(bytes.data()), bytes.size()});
  }
  bool empty() const noexcept { return first_ == iov_.size(); }

  enum class Status { done, pending, failed };
  // Sends as much as the socket takes now (the socket must be non-blocking).
  // done: all sent (the list is cleared); pending: wait for writability and call
  // again; failed: the connection is broken.
  Status send(int fd);

  // Sends the whole list, waiting for writability as often as needed, then calls
  // done(ok): at once when the socket took everything. `owner` (the session this
  // writer and the socket belong to) is kept alive while a wait is pending.
  template <class Owner, class Done>
  void send_all(Socket& socket, std::shared_ptr<Owner> owner, Done done) {
    switch (send(socket.native_handle())) {
      case Status::done:
        return done(true);
      case Status::failed:
        return done(false);
      case Status::pending:
        socket.async_wait(Socket::wait_write,
                          [this, &socket, owner = std::move(owner),
                           done = std::move(done)](boost::system::error_code ec) mutable {
                            if (ec) return done(false);
                            send_all(socket, std::move(owner), std::move(done));
                          });
        return;
    }
  }

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
