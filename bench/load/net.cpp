#include "net.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common.hpp"

namespace bench {

namespace {
constexpr std::uint64_t k_extra_fd = 1ull << 62;

// Case-insensitive search for a header value in a response head.
bool head_has(std::string_view head, std::string_view needle) {
  if (needle.size() > head.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= head.size(); ++i) {
    if (strncasecmp(head.data() + i, needle.data(), needle.size()) == 0) return true;
  }
  return false;
}
long long head_number(std::string_view head, std::string_view name) {
  for (std::size_t i = 0; i + name.size() <= head.size(); ++i) {
    if (strncasecmp(head.data() + i, name.data(), name.size()) == 0) {
      return std::strtoll(std::string(head.substr(i + name.size(), 24)).c_str(), nullptr, 10);
    }
  }
  return -1;
}
}  // namespace

void ws_text(std::string& out, std::string_view payload) {
  std::size_t n = payload.size();
  out.push_back(static_cast<char>(0x81));
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  }
  out.append(4, '\0');
  out.append(payload);
}

void ws_pong(std::string& out, std::string_view payload) {
  out.push_back(static_cast<char>(0x8A));
  out.push_back(static_cast<char>(0x80 | (payload.size() & 0x7f)));
  out.append(4, '\0');
  out.append(payload.substr(0, 125));
}

std::string ws_upgrade_request(const std::string& host, const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: " + host +
         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

std::string sse_request(const std::string& host, const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: " + host +
         "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
}

Loop::Loop(std::string host_, int port_, Handlers h)
    : host(std::move(host_)), port(port_), h_(std::move(h)), scratch_(256 * 1024) {
  ep_ = epoll_create1(EPOLL_CLOEXEC);
  dst_.sin_family = AF_INET;
  dst_.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &dst_.sin_addr);
}

Loop::~Loop() {
  for (auto& c : conns_) {
    if (c.fd >= 0) ::close(c.fd);
  }
  ::close(ep_);
}

int Loop::add_conn(Proto p, int room, std::string path) {
  Conn c;
  c.id = static_cast<int>(conns_.size());
  c.proto = p;
  c.room = room;
  c.path = std::move(path);
  conns_.push_back(std::move(c));
  return conns_.back().id;
}

bool Loop::connect(Conn& c, const std::string& src_ip) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!src_ip.empty()) {
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    sockaddr_in src{};
    src.sin_family = AF_INET;
    inet_pton(AF_INET, src_ip.c_str(), &src.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
      ::close(fd);
      return false;
    }
  }
  int r = ::connect(fd, reinterpret_cast<sockaddr*>(&dst_), sizeof dst_);
  if (r != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return false;
  }
  c.fd = fd;
  c.state = State::connecting;
  c.out.clear();
  c.out_off = 0;
  c.head.clear();
  c.line.clear();
  c.in_frame = false;
  c.hlen = 0;
  c.chunked = false;
  c.cstate = 0;
  c.in_body = false;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = static_cast<std::uint64_t>(c.id);
  epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
  return true;
}

void Loop::add_fd(int fd) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = k_extra_fd | static_cast<std::uint64_t>(fd);
  epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
}

void Loop::close(Conn& c) {
  if (c.fd < 0) return;
  ::close(c.fd);  // also leaves the epoll set
  c.fd = -1;
  State was = c.state;
  c.state = State::closed;
  c.out.clear();
  c.out_off = 0;
  if (h_.on_closed) h_.on_closed(c, was);
}

void Loop::fail(Conn& c) {
  close(c);
}

void Loop::send(Conn& c, std::string_view bytes) {
  if (c.fd < 0) return;
  c.out.append(bytes);
  if (c.state != State::connecting) flush(c);
}

void Loop::flush(Conn& c) {
  if (c.state == State::connecting) return;  // written once connected
  while (c.fd >= 0 && c.out_off < c.out.size()) {
    ssize_t n = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
    if (n > 0) {
      c.out_off += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EINTR) continue;
    fail(c);
    return;
  }
  if (c.out_off == c.out.size()) {
    c.out.clear();
    c.out_off = 0;
  }
}

int Loop::poll(int timeout_ms) {
  epoll_event evs[512];
  int n = epoll_wait(ep_, evs, 512, timeout_ms);
  for (int i = 0; i < n; ++i) {
    std::uint64_t d = evs[i].data.u64;
    if (d & k_extra_fd) {
      if (h_.on_fd) h_.on_fd(static_cast<int>(d & 0xffffffff));
      continue;
    }
    Conn& c = conns_[d];
    if (c.fd < 0) continue;
    if (evs[i].events & EPOLLOUT) on_writable(c);
    if (c.fd >= 0 && (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) on_readable(c);
  }
  return n < 0 ? 0 : n;
}

void Loop::on_writable(Conn& c) {
  if (c.state == State::connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      fail(c);
      return;
    }
    if (c.proto == Proto::http_pub) {
      c.state = State::ready;
      if (h_.on_open && !h_.on_open(c, 0)) {
        fail(c);
        return;
      }
    } else {
      c.state = State::handshake;
      std::string req =
          c.proto == Proto::ws ? ws_upgrade_request(host, c.path) : sse_request(host, c.path);
      c.out.insert(0, req);
    }
  }
  flush(c);
}

void Loop::on_readable(Conn& c) {
  while (c.fd >= 0) {
    ssize_t n = ::read(c.fd, scratch_.data(), scratch_.size());
    if (n > 0) {
      bytes_in += static_cast<std::uint64_t>(n);
      feed(c, scratch_.data(), static_cast<std::size_t>(n), now_ns());
      // Edge-triggered: a short read means the socket was drained (data arriving
      // later raises a new edge), which saves the EAGAIN read per event.
      if (static_cast<std::size_t>(n) < scratch_.size()) return;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0 && errno == EINTR) continue;
    fail(c);  // EOF or error
    return;
  }
}

void Loop::feed(Conn& c, const char* p, std::size_t n, std::uint64_t now) {
  if (c.state == State::handshake) {
    std::size_t old = c.head.size();
    c.head.append(p, n);
    auto end = c.head.find("\r\n\r\n");
    if (end == std::string::npos) {
      if (c.head.size() > 16384) fail(c);
      return;
    }
    std::size_t used = end + 4 - old;
    int status = c.head.size() > 12 ? std::atoi(c.head.c_str() + 9) : 0;
    c.chunked = head_has(std::string_view(c.head).substr(0, end), "transfer-encoding: chunked");
    int want = c.proto == Proto::ws ? 101 : 200;
    c.state = State::ready;
    if (status != want || (h_.on_open && !h_.on_open(c, status))) {
      fail(c);
      return;
    }
    c.head.clear();
    p += used;
    n -= used;
    if (n == 0 || c.fd < 0) return;
  }
  switch (c.proto) {
    case Proto::ws:
      feed_ws(c, p, n, now);
      break;
    case Proto::sse:
      if (c.chunked) {
        feed_chunked(c, p, n, now);
      } else {
        feed_body(c, p, n, now);
      }
      break;
    case Proto::http_pub:
      feed_http(c, p, n, now);
      break;
  }
}

void Loop::feed_ws(Conn& c, const char* p, std::size_t n, std::uint64_t now) {
  while (n > 0 && c.fd >= 0) {
    if (!c.in_frame) {
      // Gather the header (2..14 bytes) into hb.
      while (n > 0 && c.hlen < 2) {
        c.hb[c.hlen++] = static_cast<std::uint8_t>(*p++);
        --n;
      }
      if (c.hlen < 2) return;
      std::uint8_t len7 = c.hb[1] & 0x7f;
      std::size_t need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((c.hb[1] & 0x80) ? 4 : 0);
      while (n > 0 && c.hlen < need) {
        c.hb[c.hlen++] = static_cast<std::uint8_t>(*p++);
        --n;
      }
      if (c.hlen < need) return;
      std::uint64_t len = len7;
      if (len7 == 126) {
        len = (std::uint64_t(c.hb[2]) << 8) | c.hb[3];
      } else if (len7 == 127) {
        len = 0;
        for (int i = 0; i < 8; ++i) len = (len << 8) | c.hb[2 + i];
      }
      std::uint8_t op = c.hb[0] & 0x0f;
      c.fin = (c.hb[0] & 0x80) != 0;
      c.remaining = len;
      c.hlen = 0;
      c.in_frame = true;
      c.control = op >= 8;
      if (c.control) {
        c.ctl.assign(1, static_cast<char>(op));  // ctl[0] holds the control opcode
      } else if (op != 0) {
        c.opcode = op;
      }
    }
    bool control = c.control;
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(c.remaining, n));
    if (control) {
      c.ctl.append(p, take);
    } else {
      feed_body(c, p, take, now);
    }
    p += take;
    n -= take;
    c.remaining -= take;
    if (c.remaining == 0) {
      c.in_frame = false;
      if (control) {
        std::uint8_t op = static_cast<std::uint8_t>(c.ctl[0]);
        std::string_view payload(c.ctl.data() + 1, c.ctl.size() - 1);
        if (op == 0x9) {
          std::string pong;
          ws_pong(pong, payload);
          send(c, pong);
        } else if (op == 0x8) {
          fail(c);
          return;
        }
      } else if (c.fin) {
        end_line(c, now);
      }
    }
  }
}

void Loop::end_line(Conn& c, std::uint64_t now) {
  if (c.line.empty()) return;
  h_.on_line(c, c.line.data(), c.line.size(), now);
  c.line.clear();
}

void Loop::feed_body(Conn& c, const char* p, std::size_t n, std::uint64_t now) {
  while (n > 0) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', n));
    if (!nl) {
      c.line.append(p, n);
      return;
    }
    std::size_t len = static_cast<std::size_t>(nl - p);
    if (!c.line.empty()) {
      c.line.append(p, len);
      h_.on_line(c, c.line.data(), c.line.size(), now);
      c.line.clear();
    } else {
      h_.on_line(c, p, len, now);
    }
    if (c.fd < 0) return;
    p = nl + 1;
    n -= len + 1;
  }
}

void Loop::feed_chunked(Conn& c, const char* p, std::size_t n, std::uint64_t now) {
  while (n > 0) {
    switch (c.cstate) {
      case 0: {  // size line
        char ch = *p++;
        --n;
        if (ch == '\n') {
          c.chunk_left = c.csize;
          c.csize = 0;
          c.cext = false;
          c.cstate = c.chunk_left ? 1 : 3;
        } else if (ch == ';') {
          c.cext = true;
        } else if (!c.cext) {
          int v = (ch >= '0' && ch <= '9')   ? ch - '0'
                  : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10
                  : (ch >= 'A' && ch <= 'F') ? ch - 'A' + 10
                                             : -1;
          if (v >= 0) c.csize = c.csize * 16 + static_cast<std::uint64_t>(v);
        }
        break;
      }
      case 1: {
        std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(c.chunk_left, n));
        feed_body(c, p, take, now);
        if (c.fd < 0) return;
        p += take;
        n -= take;
        c.chunk_left -= take;
        if (c.chunk_left == 0) c.cstate = 2;
        break;
      }
      case 2:  // CRLF after the data
        if (*p == '\n') c.cstate = 0;
        ++p;
        --n;
        break;
      default:  // last chunk: the stream ended
        return;
    }
  }
}

void Loop::feed_http(Conn& c, const char* p, std::size_t n, std::uint64_t now) {
  while (n > 0 && c.fd >= 0) {
    if (!c.in_body) {
      std::size_t old = c.head.size();
      c.head.append(p, n);
      auto end = c.head.find("\r\n\r\n");
      if (end == std::string::npos) return;
      std::size_t used = end + 4 - old;
      p += used;
      n -= used;
      int status = c.head.size() > 12 ? std::atoi(c.head.c_str() + 9) : 0;
      long long len = head_number(std::string_view(c.head).substr(0, end), "content-length:");
      c.head.clear();
      c.body_left = len > 0 ? static_cast<std::uint64_t>(len) : 0;
      c.in_body = true;
      if (c.body_left == 0) {
        c.in_body = false;
        h_.on_response(c, status, now);
        continue;
      }
      c.cstate = static_cast<std::uint8_t>(status / 100);  // remember the class
      c.csize = static_cast<std::uint64_t>(status);
    }
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(c.body_left, n));
    p += take;
    n -= take;
    c.body_left -= take;
    if (c.body_left == 0) {
      c.in_body = false;
      h_.on_response(c, static_cast<int>(c.csize), now);
    }
  }
}

}  // namespace bench
