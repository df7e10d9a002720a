// A fan-out sweep's system calls, measured two ways (docs/PERFORMANCE.md finding 9):
// one 450-byte frame to each of N loopback TCP connections, by N sendmsg() calls as
// parley's SocketWriter does today, or by the same sends as io_uring submissions,
// 128 per io_uring_enter (a sweep slice). Each iteration also reads every peer
// dry, in the same thread, so both variants pay the same receiving side.
// Run: build-bench/parley-micro --benchmark_filter=Sweep
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace {

constexpr int k_slice = 128;

struct Connections {
  std::vector<int> server, peer;
  explicit Connections(int n) {
    int ls = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(ls, reinterpret_cast<sockaddr*>(&a), &len);
    ::listen(ls, n);
    int one = 1;
    for (int i = 0; i < n; ++i) {
      int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
      int s = ::accept4(ls, nullptr, nullptr, SOCK_NONBLOCK);
      ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      peer.push_back(c);
      server.push_back(s);
    }
    ::close(ls);
  }
  ~Connections() {
    for (int fd : server) ::close(fd);
    for (int fd : peer) ::close(fd);
  }
  void drain() {
    static char sink[1 << 16];
    for (int fd : peer) {
      while (::read(fd, sink, sizeof sink) > 0) {
      }
    }
  }
};

// A WebSocket text frame of the load client's message as parley sends it: a 4-byte
// header and ~450 bytes of event JSON, in two iovecs as SocketWriter gathers them.
struct Frame {
  std::string header = "\x81\x7e\x01\xc2";
  std::string body = std::string(450, 'x');
  iovec iov[2];
  msghdr msg{};
  Frame() {
    iov[0] = {header.data(), header.size()};
    iov[1] = {body.data(), body.size()};
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
  }
};

void BM_SweepSendmsg(benchmark::State& st) {
  const int n = static_cast<int>(st.range(0));
  Connections c(n);
  Frame f;
  for (auto _ : st) {
    for (int fd : c.server) benchmark::DoNotOptimize(::sendmsg(fd, &f.msg, MSG_NOSIGNAL));
    c.drain();
  }
  st.SetItemsProcessed(st.iterations() * n);
}
BENCHMARK(BM_SweepSendmsg)->Arg(1000);

void BM_SweepIoUring(benchmark::State& st) {
  const int n = static_cast<int>(st.range(0));
  Connections c(n);
  Frame f;
  io_uring ring;
  if (io_uring_queue_init(k_slice, &ring, 0) < 0) {
    st.SkipWithError("io_uring unavailable");
    return;
  }
  for (auto _ : st) {
    for (int i = 0; i < n;) {
      int batch = 0;
      for (; i < n && batch < k_slice; ++i, ++batch) {
        io_uring_prep_sendmsg(io_uring_get_sqe(&ring), c.server[i], &f.msg,
                              MSG_NOSIGNAL | MSG_DONTWAIT);
      }
      io_uring_submit_and_wait(&ring, static_cast<unsigned>(batch));
      io_uring_cqe* cqe;
      unsigned head, seen = 0;
      io_uring_for_each_cqe(&ring, head, cqe) {
        benchmark::DoNotOptimize(cqe->res);
        ++seen;
      }
      io_uring_cq_advance(&ring, seen);
    }
    c.drain();
  }
  io_uring_queue_exit(&ring);
  st.SetItemsProcessed(st.iterations() * n);
}
BENCHMARK(BM_SweepIoUring)->Arg(1000);

}  // namespace
