// Poller, PolledSocket and SocketWriter over a real socketpair(AF_UNIX,
// SOCK_STREAM) with a small send buffer: partial writes, readiness edges, the
// peer going away, and closing from inside a dispatch.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "transport/io/polled_socket.hpp"
#include "transport/io/socket_writer.hpp"

namespace parley::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

constexpr int k_small_buffer = 4096;

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  ASSERT_GE(flags, 0);
  ASSERT_EQ(::fcntl(fd, F_SETFL, flags | O_NONBLOCK), 0);
}

// Two connected stream sockets; `a` has a small send buffer and is non-blocking.
struct Pair {
  int a = -1;
  int b = -1;
  Pair() {
    std::array<int, 2> fds{};
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds.data()), 0);
    a = fds[0];
    b = fds[1];
    const int size = k_small_buffer;
    EXPECT_EQ(::setsockopt(a, SOL_SOCKET, SO_SNDBUF, &size, sizeof size), 0);
    set_nonblocking(a);
    set_nonblocking(b);
  }
  ~Pair() {
    if (a >= 0) ::close(a);
    if (b >= 0) ::close(b);
  }
  Pair(const Pair&) = delete;
  Pair& operator=(const Pair&) = delete;
  // Gives `a` away (to a PolledSocket, which closes it).
  int release_a() {
    const int fd = a;
    a = -1;
    return fd;
  }
  void close_b() {
    ::close(b);
    b = -1;
  }
};

// Everything `fd` holds now (non-blocking), appended to `out`; returns how much.
std::size_t drain(int fd, std::string& out, std::size_t at_most = SIZE_MAX) {
  std::array<char, 1500> buf;  // not a multiple of the writer's buffers
  std::size_t total = 0;
  while (total < at_most) {
    const ssize_t n = ::recv(fd, buf.data(), std::min(buf.size(), at_most - total), 0);
    if (n <= 0) break;
    out.append(buf.data(), static_cast<std::size_t>(n));
    total += static_cast<std::size_t>(n);
  }
  return total;
}

// Byte i of the test stream.
char pattern(std::size_t i) {
  return static_cast<char>((i * 131 + i / 251) & 0xFF);
}

// --- SocketWriter --------------------------------------------------------------

TEST(SocketWriter, EmptyListIsDoneAtOnce) {
  Pair p;
  SocketWriter w;
  EXPECT_TRUE(w.empty());
  w.add("");  // an empty buffer is not queued
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.send(p.a), SocketWriter::Status::done);
}

TEST(SocketWriter, GatherLargerThanTheBufferResumesExactlyWhereItStopped) {
  Pair p;
  // Buffers of uneven sizes (1 byte to 7 KB): the socket's partial writes end
  // inside buffers as well as between them.
  std::vector<std::string> bufs;
  std::vector<std::size_t> ends;  // offset in the stream after each buffer
  std::size_t total = 0;
  for (std::size_t i = 0; total < 300'000; ++i) {
    const std::size_t n = 1 + (i * 2657) % 7000;
    std::string b(n, '\0');
    for (std::size_t k = 0; k < n; ++k) b[k] = pattern(total + k);
    total += n;
    ends.push_back(total);
    bufs.push_back(std::move(b));
  }
  SocketWriter w;
  for (const auto& b : bufs) w.add(b);
  ASSERT_FALSE(w.empty());

  std::string got;
  int calls = 0;
  int cuts_inside_a_buffer = 0;
  SocketWriter::Status s = SocketWriter::Status::pending;
  while (s == SocketWriter::Status::pending) {
    s = w.send(p.a);
    ++calls;
    ASSERT_NE(s, SocketWriter::Status::failed);
    // Where the write stopped: everything sent so far has reached the peer.
    std::string now;
    drain(p.b, now);
    got += now;
    if (s == SocketWriter::Status::pending) {
      EXPECT_LT(got.size(), total);
      if (!std::binary_search(ends.begin(), ends.end(), got.size())) ++cuts_inside_a_buffer;
    }
    ASSERT_LT(calls, 100'000) << "no progress";
  }
  EXPECT_EQ(s, SocketWriter::Status::done);
  EXPECT_TRUE(w.empty());
  EXPECT_GT(calls, 2) << "the list is larger than the socket buffer: the first send pends";
  EXPECT_GT(cuts_inside_a_buffer, 0) << "some partial write ended inside a buffer";
  ASSERT_EQ(got.size(), total);
  for (std::size_t i = 0; i < total; ++i) {
    ASSERT_EQ(got[i], pattern(i)) << "byte " << i << " of " << total;
  }
}

TEST(SocketWriter, FirstSendOfALargeListPends) {
  Pair p;
  std::string big(256 * 1024, 'x');
  SocketWriter w;
  w.add(big);
  EXPECT_EQ(w.send(p.a), SocketWriter::Status::pending);
  EXPECT_FALSE(w.empty());
  // Nothing is read: the next call still pends, and sends nothing twice.
  EXPECT_EQ(w.send(p.a), SocketWriter::Status::pending);
  std::string got;
  while (w.send(p.a) == SocketWriter::Status::pending) {
    drain(p.b, got);
    ASSERT_LE(got.size(), big.size()) << "bytes sent twice";
  }
  drain(p.b, got);
  EXPECT_EQ(got, big);
}

TEST(SocketWriter, MoreBuffersThanIovMaxGoOutInOrder) {
  Pair p;
  std::vector<std::string> bufs;
  std::size_t total = 0;
  for (std::size_t i = 0; i < 5000; ++i) {
    std::string b(1 + i % 5, '\0');
    for (auto& c : b) c = pattern(total++);
    bufs.push_back(std::move(b));
  }
  SocketWriter w;
  for (const auto& b : bufs) w.add(b);
  std::string got;
  SocketWriter::Status s;
  while ((s = w.send(p.a)) == SocketWriter::Status::pending) {
    drain(p.b, got);
    ASSERT_LE(got.size(), total) << "bytes sent twice";
  }
  ASSERT_EQ(s, SocketWriter::Status::done);
  drain(p.b, got);
  ASSERT_EQ(got.size(), total);
  for (std::size_t i = 0; i < total; ++i) ASSERT_EQ(got[i], pattern(i)) << i;
}

TEST(SocketWriter, FailsOnAClosedPeerWithoutSigpipe) {
  // SIGPIPE is not ignored here: a send without MSG_NOSIGNAL would end the test.
  Pair p;
  p.close_b();
  SocketWriter w;
  w.add("hello");
  errno = 0;
  EXPECT_EQ(w.send(p.a), SocketWriter::Status::failed);
  EXPECT_EQ(errno, EPIPE);
}

TEST(SocketWriter, FailsWhenThePeerGoesAwayMidWrite) {
  Pair p;
  std::string big(256 * 1024, 'y');
  SocketWriter w;
  w.add(big);
  ASSERT_EQ(w.send(p.a), SocketWriter::Status::pending);
  p.close_b();
  EXPECT_EQ(w.send(p.a), SocketWriter::Status::failed);
}

TEST(SocketWriter, ResetForgetsTheList) {
  Pair p;
  std::string big(256 * 1024, 'z');
  SocketWriter w;
  w.add(big);
  ASSERT_EQ(w.send(p.a), SocketWriter::Status::pending);
  w.reset();
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.send(p.a), SocketWriter::Status::done);
  w.release();
  w.add("after");
  std::string got;
  drain(p.b, got);  // what the first write had sent
  ASSERT_EQ(w.send(p.a), SocketWriter::Status::done);
  std::string tail;
  drain(p.b, tail);
  EXPECT_EQ(tail, "after");
}

// --- Poller and PolledSocket ---------------------------------------------------

// A PolledSocket that counts its callbacks and runs what the test gives it.
class Probe final : public PolledSocket, public std::enable_shared_from_this<Probe> {
 public:
  explicit Probe(tcp::socket s) : PolledSocket(std::move(s)) {}

  using PolledSocket::close;
  using PolledSocket::Read;
  using PolledSocket::read_some;
  using PolledSocket::shutdown;
  using PolledSocket::wait_read;
  using PolledSocket::wait_write;

  bool start(asio::io_context& ctx) { return watch(ctx, shared_from_this()); }

  int reads = 0;
  int writes = 0;
  std::function<void()> on_read;
  std::function<void()> on_write;

 private:
  void on_readable() override {
    ++reads;
    if (on_read) on_read();
  }
  void on_writable() override {
    ++writes;
    if (on_write) on_write();
  }
};

// An Asio socket holding `fd` (any stream socket will do: PolledSocket only takes
// its descriptor back out).
tcp::socket socket_of(asio::io_context& ctx, int fd) {
  tcp::socket s(ctx);
  boost::system::error_code ec;
  s.assign(tcp::v4(), fd, ec);
  EXPECT_FALSE(ec) << ec.message();
  return s;
}

// Runs handlers until `done()` or a timeout (which fails the test).
void run_until(asio::io_context& ctx, const std::function<bool()>& done,
               std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "timed out";
    ctx.run_one_for(50ms);
  }
}

// Runs every handler that is ready now, and every readiness event the poller can
// see now. Events are reported in the order they happened, so once a marker
// socket made readable last has been dispatched, so have the events before it.
class Settle {
 public:
  explicit Settle(asio::io_context& ctx) : ctx_(ctx) {
    marker_ = std::make_shared<Probe>(socket_of(ctx, pair_.release_a()));
    EXPECT_TRUE(marker_->start(ctx));
    marker_->on_read = [this] {
      std::array<char, 64> buf;
      std::size_t n = 0;
      while (marker_->read_some(buf, n) == Probe::Read::data) {
      }
    };
    marker_->wait_read();  // the first wait is posted (readable until told otherwise)
    run_until(ctx_, [this] { return marker_->reads == 1; });
  }
  ~Settle() { marker_->close(); }

  void operator()() {
    const int before = marker_->reads;
    marker_->wait_read();
    ASSERT_EQ(::send(pair_.b, "m", 1, MSG_NOSIGNAL), 1);
    run_until(ctx_, [&] { return marker_->reads > before; });
    ctx_.poll();  // and what was posted meanwhile
  }

 private:
  asio::io_context& ctx_;
  Pair pair_;
  std::shared_ptr<Probe> marker_;
};

struct PolledFixture : ::testing::Test {
  asio::io_context ctx;
  Pair pair;
  std::shared_ptr<Probe> probe;

  void SetUp() override {
    probe = std::make_shared<Probe>(socket_of(ctx, pair.release_a()));
    ASSERT_TRUE(probe->is_open());
    ASSERT_TRUE(probe->start(ctx));
  }
  void TearDown() override {
    if (probe) probe->close();
    ctx.poll();
  }

  // Reads everything the probe's socket holds now, until would_block (or eof).
  Probe::Read read_all(std::string& out) {
    std::array<char, 700> buf;
    for (;;) {
      std::size_t n = 0;
      auto r = probe->read_some(buf, n);
      if (r != Probe::Read::data) return r;
      out.append(buf.data(), n);
    }
  }
  void peer_send(std::string_view s) {
    ASSERT_EQ(::send(pair.b, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
  }
  // The first wait of a new socket is posted (it may have data); take it, find
  // nothing, and leave the socket waiting for an edge.
  void to_idle() {
    probe->wait_read();
    run_until(ctx, [&] { return probe->reads == 1; });
    std::string none;
    ASSERT_EQ(read_all(none), Probe::Read::would_block);
    probe->reads = 0;
  }
};

TEST_F(PolledFixture, ReadinessFiresOncePerWait) {
  Settle settle(ctx);
  to_idle();
  probe->wait_read();
  peer_send("one");
  run_until(ctx, [&] { return probe->reads == 1; });
  // No wait now: more data brings no callback.
  peer_send("two");
  settle();
  EXPECT_EQ(probe->reads, 1);
  std::string got;
  EXPECT_EQ(read_all(got), Probe::Read::would_block);
  EXPECT_EQ(got, "onetwo");
  // Waiting twice before an event is still one callback.
  probe->wait_read();
  probe->wait_read();
  peer_send("three");
  run_until(ctx, [&] { return probe->reads == 2; });
  settle();
  EXPECT_EQ(probe->reads, 2);
}

TEST_F(PolledFixture, WaitReadWithDataAlreadyWaitingIsPostedNotLost) {
  Settle settle(ctx);
  to_idle();
  // The data's edge comes while nobody waits.
  peer_send("early");
  settle();
  EXPECT_EQ(probe->reads, 0);
  // Edge-triggered: no new edge will come for it, so the wait is answered by a
  // posted call, not from inside wait_read().
  probe->wait_read();
  EXPECT_EQ(probe->reads, 0) << "called inline";
  run_until(ctx, [&] { return probe->reads == 1; });
  std::string got;
  EXPECT_EQ(read_all(got), Probe::Read::would_block);
  EXPECT_EQ(got, "early");
}

TEST_F(PolledFixture, APartialReadThenWaitIsCalledAgain) {
  Settle settle(ctx);
  to_idle();
  probe->wait_read();
  peer_send(std::string(5000, 'p'));
  run_until(ctx, [&] { return probe->reads == 1; });
  std::array<char, 1000> buf;
  std::size_t n = 0;
  ASSERT_EQ(probe->read_some(buf, n), Probe::Read::data);  // not until would_block
  probe->wait_read();
  run_until(ctx, [&] { return probe->reads == 2; });
  std::string rest;
  EXPECT_EQ(read_all(rest), Probe::Read::would_block);
  EXPECT_EQ(n + rest.size(), 5000u);
}

TEST_F(PolledFixture, EdgeTriggeredReadsUntilWouldBlock) {
  Settle settle(ctx);
  to_idle();
  std::string want;
  for (int i = 0; i < 300; ++i) want += "chunk" + std::to_string(i) + ";";
  std::string got;
  probe->on_read = [&] {
    if (read_all(got) == Probe::Read::would_block) probe->wait_read();
  };
  probe->wait_read();
  peer_send(want.substr(0, 1000));
  run_until(ctx, [&] { return got.size() == 1000; });
  peer_send(want.substr(1000));
  run_until(ctx, [&] { return got.size() == want.size(); });
  EXPECT_EQ(got, want);
  settle();
  EXPECT_EQ(probe->reads, 2) << "one call per edge";
}

TEST_F(PolledFixture, PeerCloseGivesEofAfterTheData) {
  to_idle();
  probe->wait_read();
  peer_send("last words");
  pair.close_b();
  run_until(ctx, [&] { return probe->reads == 1; });
  std::string got;
  EXPECT_EQ(read_all(got), Probe::Read::eof);
  EXPECT_EQ(got, "last words");
}

TEST_F(PolledFixture, PeerShutdownOfWritingGivesEof) {
  to_idle();
  probe->wait_read();
  ASSERT_EQ(::shutdown(pair.b, SHUT_WR), 0);
  run_until(ctx, [&] { return probe->reads == 1; });
  std::array<char, 16> buf;
  std::size_t n = 0;
  EXPECT_EQ(probe->read_some(buf, n), Probe::Read::eof);
  EXPECT_EQ(n, 0u);
}

TEST_F(PolledFixture, WaitWriteFiresWhenTheSocketTakesMore) {
  Settle settle(ctx);
  // Fill the socket.
  std::string block(4096, 'w');
  while (::send(probe->fd(), block.data(), block.size(), MSG_NOSIGNAL) > 0) {
  }
  ASSERT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
  probe->wait_write();
  settle();
  EXPECT_EQ(probe->writes, 0) << "a full socket is not writable";
  std::string sink;
  run_until(ctx, [&] {
    drain(pair.b, sink);
    return probe->writes > 0;
  });
  EXPECT_EQ(probe->writes, 1);
  // Once per wait: more room brings no more calls.
  drain(pair.b, sink);
  settle();
  EXPECT_EQ(probe->writes, 1);
}

TEST_F(PolledFixture, CloseTwiceIsSafeAndDropsPendingWaits) {
  to_idle();
  probe->wait_read();
  probe->wait_write();
  std::weak_ptr<Probe> weak = probe;
  probe->close();
  EXPECT_FALSE(probe->is_open());
  EXPECT_EQ(probe->fd(), -1);
  probe->close();
  EXPECT_FALSE(probe->is_open());
  // Read and write on a closed socket fail; waits are ignored.
  std::array<char, 8> buf;
  std::size_t n = 1;
  EXPECT_EQ(probe->read_some(buf, n), Probe::Read::error);
  EXPECT_EQ(n, 0u);
  probe->wait_read();
  probe->wait_write();
  // The descriptor really is closed: the peer sees it.
  EXPECT_EQ(::send(pair.b, "x", 1, MSG_NOSIGNAL), -1);
  EXPECT_EQ(errno, EPIPE);
  probe.reset();
  // The poller lets its owner go through a posted handler, not at once.
  EXPECT_FALSE(weak.expired()) << "released inside close()";
  ctx.poll();
  ctx.poll();
  EXPECT_TRUE(weak.expired()) << "the poller still holds a closed socket";
  auto keep = weak.lock();
  EXPECT_FALSE(keep);
}

TEST(Poller, ATargetClosedDuringADispatchIsNotCalledAgain) {
  asio::io_context ctx;
  Pair p1;
  Pair p2;
  auto a = std::make_shared<Probe>(socket_of(ctx, p1.release_a()));
  auto b = std::make_shared<Probe>(socket_of(ctx, p2.release_a()));
  ASSERT_TRUE(a->start(ctx));
  ASSERT_TRUE(b->start(ctx));
  // Take the first (posted) wait of each.
  a->wait_read();
  b->wait_read();
  run_until(ctx, [&] { return a->reads == 1 && b->reads == 1; });
  std::array<char, 8> buf;
  std::size_t n = 0;
  ASSERT_EQ(a->read_some(buf, n), Probe::Read::would_block);
  ASSERT_EQ(b->read_some(buf, n), Probe::Read::would_block);
  a->reads = b->reads = 0;

  // Whichever is called first closes the other, whose event is in the same batch.
  std::weak_ptr<Probe> wa = a;
  std::weak_ptr<Probe> wb = b;
  a->on_read = [&] {
    if (auto other = wb.lock()) other->close();
  };
  b->on_read = [&] {
    if (auto other = wa.lock()) other->close();
  };
  a->wait_read();
  b->wait_read();
  a->wait_write();
  b->wait_write();
  // Only the poller keeps them alive now: a call into a released target would be
  // a use after free (ASan).
  a.reset();
  b.reset();
  ASSERT_EQ(::send(p1.b, "x", 1, MSG_NOSIGNAL), 1);
  ASSERT_EQ(::send(p2.b, "y", 1, MSG_NOSIGNAL), 1);
  int calls = 0;
  run_until(ctx, [&] {
    calls = 0;
    if (auto x = wa.lock()) calls += x->reads;
    if (auto x = wb.lock()) calls += x->reads;
    return calls >= 1;
  });
  ctx.poll();
  ctx.poll();
  // The closed one is gone; the other was called exactly once.
  const bool a_alive = !wa.expired();
  const bool b_alive = !wb.expired();
  EXPECT_NE(a_alive, b_alive) << "exactly one was closed and released";
  auto survivor = a_alive ? wa.lock() : wb.lock();
  ASSERT_TRUE(survivor);
  EXPECT_EQ(survivor->reads, 1);
  EXPECT_EQ(survivor->writes, 1);
  survivor->close();
  ctx.poll();
}

TEST(Poller, DestroyingTheContextReleasesTargetsStillWatched) {
  Pair p;
  std::weak_ptr<Probe> weak;
  {
    asio::io_context ctx;
    auto probe = std::make_shared<Probe>(socket_of(ctx, p.release_a()));
    ASSERT_TRUE(probe->start(ctx));
    probe->wait_read();
    weak = probe;
    ctx.poll();
    // The poller is the only owner now.
  }
  EXPECT_TRUE(weak.expired());
}

}  // namespace
}  // namespace parley::transport
