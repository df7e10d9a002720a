#pragma once
// A single-threaded epoll engine for thousands of client connections: WebSocket
// (RFC 6455 client side), Server-Sent Events (plain or chunked), and HTTP/1.1
// pipelined POSTs. It hands complete text lines to the application: a WebSocket
// text message is split on "\n" (parley joins events with it) and its end ends a
// line; an SSE body is split on "\n". No copy is made unless a line straddles reads.
#include <netinet/in.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

enum class Proto : std::uint8_t { ws, sse, http_pub };
enum class State : std::uint8_t { idle, connecting, handshake, subscribing, ready, closed };

struct Conn {
  int fd = -1;
  int id = 0;    // index in the loop
  int room = 0;  // the application's room index
  int attempts = 0;
  Proto proto = Proto::ws;
  State state = State::idle;
  bool chunked = false;
  bool in_frame = false;
  bool fin = false;
  bool cext = false;
  bool control = false;  // the current WebSocket frame is a control frame
  std::uint8_t opcode = 0;
  std::uint8_t hlen = 0;
  std::uint8_t cstate = 0;
  std::uint8_t hb[14];
  std::uint64_t remaining = 0;  // WebSocket payload bytes left in the frame
  std::uint64_t csize = 0;      // chunked: size being read
  std::uint64_t chunk_left = 0;
  long long last_seq = -1;  // parley: the last seq seen (gap / duplicate checks)
  std::string path;         // request target
  std::string out;
  std::size_t out_off = 0;
  std::string head;                                          // a response head being read
  std::string line;                                          // a line straddling reads
  std::string ctl;                                           // a control frame's payload
  std::deque<std::pair<std::uint64_t, std::uint32_t>> fifo;  // publisher: (send ns, tag)
  std::uint64_t body_left = 0;                               // http_pub: response body bytes left
  std::uint32_t requests = 0;                                // http_pub: requests written
  bool retiring = false;  // http_pub: takes no more requests, closes when answered
  bool in_body = false;
};

class Loop {
 public:
  struct Handlers {
    // The upgrade / response head was accepted (status as parsed); return false to fail.
    std::function<bool(Conn&, int status)> on_open;
    std::function<void(Conn&, const char*, std::size_t, std::uint64_t now)> on_line;
    // A connection ended (by the server, an error, or a failed handshake).
    std::function<void(Conn&, State was)> on_closed;
    // http_pub: one response (status) completed.
    std::function<void(Conn&, int status, std::uint64_t now)> on_response;
    // an extra fd registered with add_fd became readable
    std::function<void(int fd)> on_fd;
  };

  Loop(std::string host, int port, Handlers h);
  ~Loop();

  std::vector<Conn>& conns() { return conns_; }
  void reserve(std::size_t n) { conns_.reserve(n); }
  int add_conn(Proto p, int room, std::string path);  // returns its id
  // Starts a connection; src_ip empty for any. Returns false if the socket failed.
  bool connect(Conn& c, const std::string& src_ip);
  void close(Conn& c);
  void add_fd(int fd);
  // Queues bytes and writes what the socket takes now.
  void send(Conn& c, std::string_view bytes);
  void flush(Conn& c);
  // Runs one epoll round (timeout in ms); returns events handled.
  int poll(int timeout_ms);

  std::string host;
  int port;
  std::uint64_t bytes_in = 0;

 private:
  void on_readable(Conn& c);
  void on_writable(Conn& c);
  void feed(Conn& c, const char* p, std::size_t n, std::uint64_t now);
  void feed_ws(Conn& c, const char* p, std::size_t n, std::uint64_t now);
  void feed_body(Conn& c, const char* p, std::size_t n, std::uint64_t now);
  void feed_chunked(Conn& c, const char* p, std::size_t n, std::uint64_t now);
  void feed_http(Conn& c, const char* p, std::size_t n, std::uint64_t now);
  void end_line(Conn& c, std::uint64_t now);
  void fail(Conn& c);

  int ep_;
  sockaddr_in dst_{};
  Handlers h_;
  std::vector<Conn> conns_;
  std::vector<char> scratch_;
};

// A masked client text frame (mask key 0: XOR is a no-op, still a valid client frame).
void ws_text(std::string& out, std::string_view payload);
void ws_pong(std::string& out, std::string_view payload);

std::string ws_upgrade_request(const std::string& host, const std::string& path);
std::string sse_request(const std::string& host, const std::string& path);

}  // namespace bench
