#pragma once
// A long-lived connection's descriptor, watched by the shard's Poller (poller.hpp)
// instead of Asio's reactor: what the WebSocket and SSE sessions read from and
// write to. Shard thread only.
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <memory>
#include <span>

#include "transport/io/poller.hpp"

namespace parley::transport {

class PolledSocket : public PollTarget {
 public:
  int fd() const noexcept { return fd_; }
  bool is_open() const noexcept { return fd_ >= 0; }

 protected:
  // Takes the descriptor of an accepted connection out of Asio (non-blocking).
  explicit PolledSocket(boost::asio::ip::tcp::socket socket);
  ~PolledSocket();

  // Starts watching; `owner` (the session) is kept alive until close().
  bool watch(boost::asio::io_context& context, std::shared_ptr<void> owner);

  enum class Read { data, would_block, eof, error };
  // One non-blocking read; would_block means: wait_read() and try again.
  Read read_some(std::span<char> into, std::size_t& n);
  // on_readable() is called once: soon (posted) if data may be waiting, else when
  // some arrives, or the peer closes, or the connection fails.
  void wait_read();
  // on_writable() is called once, when the socket takes more (or fails).
  void wait_write();
  void shutdown(int how) noexcept;
  // Stops watching and closes; pending waits are never called. Safe to call twice.
  void close();

  virtual void on_readable() = 0;
  virtual void on_writable() = 0;

 private:
  void on_ready(std::uint32_t events) override;

  Poller* poller_ = nullptr;
  int fd_ = -1;
  bool readable_ = true;  // no EAGAIN since the last readiness edge
  bool want_read_ = false;
  bool read_posted_ = false;
  bool want_write_ = false;
};

}  // namespace parley::transport
