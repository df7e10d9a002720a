// parley-load: the load client for side-by-side benchmarks (docs/PERFORMANCE.md).
//
//   parley-load --mode fanout --target parley|uws|ws|nchan --transport ws|sse
//               --port P --conns N --rooms R --rates 10,50,100 [--ramp] ...
//   parley-load --mode idle   ...  RSS per idle connection
//   parley-load --mode ingest ...  durable sends/s through WebSocket send -> store -> ack
//
// The coordinator (this process) sets up users and rooms, forks worker processes
// that hold the subscribers (each binds its own source address 127.0.0.(2+w), so
// neither one process's 20,000-file limit nor one address's ephemeral ports bound
// the count), publishes at a fixed rate with a CLOCK_MONOTONIC timestamp in every
// message, and gathers each worker's counts and latency histogram per phase. Every
// message is "@@P<phase>:<room>:<id>:<ns>;" padded to --size bytes; a delivery's
// latency is the receiving read's clock minus that timestamp. Losses are counted
// against what was published (acked by the server, for parley and nchan) times the
// subscribers that were ready in the room; parley's dense seq is also checked per
// subscriber (gaps, duplicates). A step passes with nothing lost, no gap, duplicate,
// server close or send error, and p99 <= --max-p99-ms; with --ramp the rates go up
// until a step fails twice (--retries). Each step also records the server's CPU time
// per delivery (/proc/PID/stat, PID and its children) and the machine's CPU pressure,
// and for parley the publishers' send -> ack latency (the store's commit path).
// Results: one JSON document (--out) and a one-line summary per step on stderr.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common.hpp"
#include "net.hpp"

using namespace bench;

namespace {

struct Options {
  std::string mode = "fanout";
  std::string target = "parley";
  std::string transport = "ws";
  std::string host = "127.0.0.1";
  int port = 8080;
  int conns = 1000;
  int rooms = 1;
  int size = 100;
  int workers = 0;                 // 0: one per 9,000 connections
  int publishers = 0;              // 0: a default per target
  int window = 8;                  // ingest: sends in flight per connection
  std::vector<double> rates{100};  // messages/s per room
  double duration = 5;
  double drain = 5;
  double warmup = 1;
  double settle = 3;
  double max_p99_ms = 200;
  bool ramp = false;
  int retries = 1;
  int connect_parallel = 200;
  std::vector<pid_t> server_pids;
  std::string out;
  std::string label;
};

constexpr const char* k_help =
    R"(parley-load: load client for side-by-side benchmarks (docs/PERFORMANCE.md)

  --mode fanout|idle|ingest   fanout: publish at --rates, measure deliveries (default)
                              idle: open --conns, report server RSS per connection
                              ingest: parley sends through WebSocket -> store -> ack
  --target parley|uws|ws|nchan   --transport ws|sse   --host 127.0.0.1   --port N
  --conns N (1000)  --rooms N (1)  --size BYTES (100)  --workers N (1 per 9,000 conns)
  --rates R1,R2,...  messages/s per room, one step each (100)
  --ramp            stop at the first rate that fails twice (--retries N, default 1)
  --duration S (5)  --drain S (5)  --warmup S (1)  --settle S (3)  --max-p99-ms MS (200)
  --publishers N    publishing connections (parley 4 for one room, else <= 200; nchan 4)
  --window N (8)    ingest: sends in flight per connection
  --connect-parallel N (200)   --server-pid PID[,PID]  (RSS and CPU, with children)
  --out FILE.json   --label NAME
)";

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr, "parley-load: %s\n\n%s", msg, k_help);
  std::exit(2);
}

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string v;
    if (a == "--help" || a == "-h") {
      std::printf("%s", k_help);
      std::exit(0);
    }
    if (a.rfind("--", 0) != 0) usage(("unexpected argument " + a).c_str());
    a = a.substr(2);
    auto eq = a.find('=');
    if (eq != std::string::npos) {
      v = a.substr(eq + 1);
      a = a.substr(0, eq);
    } else if (a != "ramp") {
      if (i + 1 >= argc) usage(("missing value for --" + a).c_str());
      v = argv[++i];
    }
    if (a == "mode")
      o.mode = v;
    else if (a == "target")
      o.target = v;
    else if (a == "transport")
      o.transport = v;
    else if (a == "host")
      o.host = v;
    else if (a == "port")
      o.port = std::stoi(v);
    else if (a == "conns")
      o.conns = std::stoi(v);
    else if (a == "rooms")
      o.rooms = std::stoi(v);
    else if (a == "size")
      o.size = std::stoi(v);
    else if (a == "workers")
      o.workers = std::stoi(v);
    else if (a == "publishers")
      o.publishers = std::stoi(v);
    else if (a == "window")
      o.window = std::stoi(v);
    else if (a == "duration")
      o.duration = std::stod(v);
    else if (a == "drain")
      o.drain = std::stod(v);
    else if (a == "warmup")
      o.warmup = std::stod(v);
    else if (a == "settle")
      o.settle = std::stod(v);
    else if (a == "max-p99-ms")
      o.max_p99_ms = std::stod(v);
    else if (a == "ramp")
      o.ramp = true;
    else if (a == "retries")
      o.retries = std::stoi(v);
    else if (a == "connect-parallel")
      o.connect_parallel = std::stoi(v);
    else if (a == "out")
      o.out = v;
    else if (a == "label")
      o.label = v;
    else if (a == "rates") {
      o.rates.clear();
      for (auto& r : split(v, ',')) o.rates.push_back(std::stod(r));
    } else if (a == "server-pid") {
      for (auto& p : split(v, ',')) o.server_pids.push_back(std::stoi(p));
    } else {
      usage(("unknown option --" + a).c_str());
    }
  }
  if (o.target != "parley" && o.target != "uws" && o.target != "ws" && o.target != "nchan") {
    usage("--target is parley, uws, ws or nchan");
  }
  if (o.transport == "sse" && (o.target == "uws" || o.target == "ws")) {
    usage("uws and ws peers have no SSE");
  }
  if ((o.target == "uws" || o.target == "ws") && o.rooms != 1) {
    usage("the uws and ws peers broadcast to one room only");
  }
  if (o.mode == "ingest" && o.target != "parley") usage("ingest is parley's send path");
  if (o.workers <= 0) o.workers = std::max(1, (o.conns + 8999) / 9000);
  if (o.publishers <= 0) {
    o.publishers = o.target == "parley" ? std::min(o.rooms, 200) : o.target == "nchan" ? 4 : 1;
    if (o.target == "parley" && o.rooms == 1) o.publishers = 4;
  }
  if (o.mode == "ingest") o.publishers = o.conns;
  return o;
}

// What set-up produced: tokens and room ids (parley) or channel names (nchan).
struct Setup {
  std::string sub_token, pub_token;
  std::vector<std::string> room_ids;
  std::string nonce;
};

bool starts_with(const char* p, std::size_t n, std::string_view s) {
  return n >= s.size() && std::memcmp(p, s.data(), s.size()) == 0;
}

std::uint64_t parse_u64(const char*& p, const char* end) {
  std::uint64_t v = 0;
  while (p < end && *p >= '0' && *p <= '9') v = v * 10 + static_cast<std::uint64_t>(*p++ - '0');
  return v;
}

struct Marker {
  std::uint32_t phase = 0, room = 0;
  std::uint64_t id = 0, ts = 0;
};
bool find_marker(const char* p, std::size_t n, Marker& m) {
  auto* q = static_cast<const char*>(memmem(p, n, "@@P", 3));
  if (!q) return false;
  const char* end = p + n;
  q += 3;
  m.phase = static_cast<std::uint32_t>(parse_u64(q, end));
  if (q >= end || *q++ != ':') return false;
  m.room = static_cast<std::uint32_t>(parse_u64(q, end));
  if (q >= end || *q++ != ':') return false;
  m.id = parse_u64(q, end);
  if (q >= end || *q++ != ':') return false;
  m.ts = parse_u64(q, end);
  return true;
}

void make_payload(std::string& out, int size, std::uint32_t phase, std::uint32_t room,
                  std::uint64_t id, std::uint64_t ts) {
  char buf[96];
  int n = std::snprintf(buf, sizeof buf, "@@P%u:%u:%llu:%llu;", phase, room,
                        static_cast<unsigned long long>(id), static_cast<unsigned long long>(ts));
  out.assign(buf, static_cast<std::size_t>(n));
  if (static_cast<int>(out.size()) < size)
    out.append(static_cast<std::size_t>(size) - out.size(), 'x');
}

std::string sub_path(const Options& o, const Setup& s, int room) {
  if (o.target == "parley") {
    if (o.transport == "ws") return "/api/ws?token=" + s.sub_token;
    return "/api/rooms/" + s.room_ids[static_cast<std::size_t>(room)] +
           "/events?token=" + s.sub_token;
  }
  if (o.target == "nchan") return "/sub/" + s.room_ids[static_cast<std::size_t>(room)];
  return "/";
}

// A line-oriented reader for the control socket.
struct LineReader {
  std::string buf;
  template <class F>
  bool read(int fd, F&& on_line) {
    char tmp[65536];
    while (true) {
      ssize_t n = ::read(fd, tmp, sizeof tmp);
      if (n > 0) {
        buf.append(tmp, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      return false;  // closed
    }
    std::size_t start = 0;
    while (true) {
      auto nl = buf.find('\n', start);
      if (nl == std::string::npos) break;
      on_line(std::string_view(buf).substr(start, nl - start));
      start = nl + 1;
    }
    buf.erase(0, start);
    return true;
  }
};

void write_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n > 0) {
      off += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
      usleep(100);
    } else {
      return;
    }
  }
}

// ---------------------------------------------------------------- worker --

struct PhaseStats {
  std::uint64_t recv = 0;
  Histogram hist;
};

int worker_main(int ctl, int w, const Options& o, const Setup& s) {
  const bool parley = o.target == "parley";
  const Proto proto = o.transport == "ws" ? Proto::ws : Proto::sse;
  std::vector<std::unique_ptr<PhaseStats>> phases(256);
  std::uint64_t gaps = 0, dups = 0, closed = 0, errors = 0, ready = 0, failed = 0;
  std::uint64_t stale = 0;
  std::map<int, int> room_ready;
  int inflight = 0;
  std::size_t next = 0;
  bool opening = false;
  bool quit = false;
  std::string src = "127.0.0." + std::to_string(2 + w % 250);
  std::vector<std::pair<std::uint64_t, int>> retries;
  std::string first_error;
  Loop* loopp = nullptr;

  auto record = [&](const char* p, std::size_t n, std::uint64_t now) {
    Marker m;
    if (!find_marker(p, n, m)) return;
    if (m.phase >= phases.size()) {
      ++stale;
      return;
    }
    auto& ph = phases[m.phase];
    if (!ph) ph = std::make_unique<PhaseStats>();
    ++ph->recv;
    ph->hist.add(now > m.ts ? (now - m.ts) / 1000 : 0);
  };
  auto check_seq = [&](Conn& c, long long seq) {
    if (seq <= 0) return;
    if (c.last_seq >= 0) {
      if (seq <= c.last_seq) {
        ++dups;
        return;
      }
      if (seq > c.last_seq + 1) gaps += static_cast<std::uint64_t>(seq - c.last_seq - 1);
    }
    c.last_seq = seq;
  };
  auto mark_ready = [&](Conn& c) {
    c.state = State::ready;
    --inflight;
    ++ready;
    ++room_ready[c.room];
  };

  Loop::Handlers h;
  h.on_open = [&](Conn& c, int) {
    if (parley && c.proto == Proto::ws) {
      c.state = State::subscribing;
      std::string f;
      ws_text(f, R"({"type":"subscribe","room":")" + s.room_ids[static_cast<std::size_t>(c.room)] +
                     "\"}");
      loopp->send(c, f);
    } else {
      mark_ready(c);
    }
    return true;
  };
  h.on_line = [&](Conn& c, const char* p, std::size_t n, std::uint64_t now) {
    if (c.proto == Proto::ws) {
      if (!parley) return record(p, n, now);
      if (starts_with(p, n, R"({"type":"event")")) {
        auto* q =
            static_cast<const char*>(memmem(p, std::min<std::size_t>(n, 200), ",\"seq\":", 7));
        if (q) {
          q += 7;
          check_seq(c, static_cast<long long>(parse_u64(q, p + n)));
        }
        return record(p, n, now);
      }
      if (starts_with(p, n, R"({"type":"subscribed")")) {
        c.last_seq = json_int(std::string_view(p, n), "last_seq");
        if (c.state == State::subscribing) mark_ready(c);
        return;
      }
      if (starts_with(p, n, R"({"type":"error")") || starts_with(p, n, R"({"type":"reset")")) {
        ++errors;
        if (first_error.empty()) first_error.assign(p, std::min<std::size_t>(n, 300));
        if (c.state == State::subscribing) loopp->close(c);
      }
      return;
    }
    // SSE
    if (starts_with(p, n, "data: ")) return record(p + 6, n - 6, now);
    if (parley && starts_with(p, n, "id: ")) {
      const char* q = p + 4;
      check_seq(c, static_cast<long long>(parse_u64(q, p + n)));
      return;
    }
    if (starts_with(p, n, "event: reset")) ++errors;
  };
  h.on_closed = [&](Conn& c, State was) {
    if (was == State::ready) {
      ++closed;
      return;
    }
    --inflight;
    if (++c.attempts < 5) {
      retries.emplace_back(now_ns() + 300'000'000ull * static_cast<unsigned>(c.attempts), c.id);
      ++inflight;
    } else {
      ++failed;
    }
  };
  h.on_fd = [&](int fd) {
    static LineReader lr;
    bool ok = lr.read(fd, [&](std::string_view line) {
      if (line == "open") {
        opening = true;
      } else if (line.rfind("stats ", 0) == 0) {
        int p = std::atoi(std::string(line.substr(6)).c_str());
        if (p < 0 || p >= static_cast<int>(phases.size())) p = 0;
        std::string r = "S " + std::to_string(p);
        auto& ph = phases[static_cast<std::size_t>(p)];
        r += " " + std::to_string(ph ? ph->recv : 0) + " " + std::to_string(gaps) + " " +
             std::to_string(dups) + " " + std::to_string(closed) + " " + std::to_string(errors) +
             " " + (ph ? ph->hist.encode() : std::string(";0")) + "\n";
        write_all(ctl, r);
      } else if (line == "quit") {
        quit = true;
      }
    });
    if (!ok) quit = true;
  };

  Loop loop(o.host, o.port, h);
  loopp = &loop;
  for (int g = w; g < o.conns; g += o.workers) {
    int room = g % o.rooms;
    loop.add_conn(proto, room, sub_path(o, s, room));
  }
  loop.add_fd(ctl);
  fcntl(ctl, F_SETFL, O_NONBLOCK);
  auto& conns = loop.conns();
  bool reported = false;
  while (!quit) {
    loop.poll(opening ? 5 : 50);
    if (opening) {
      std::uint64_t now = now_ns();
      for (std::size_t i = 0; i < retries.size();) {
        if (retries[i].first <= now) {
          Conn& c = conns[static_cast<std::size_t>(retries[i].second)];
          if (!loop.connect(c, src)) {
            --inflight;
            ++failed;
          }
          retries[i] = retries.back();
          retries.pop_back();
        } else {
          ++i;
        }
      }
      while (inflight < o.connect_parallel && next < conns.size()) {
        Conn& c = conns[next++];
        ++inflight;
        if (!loop.connect(c, src)) {
          --inflight;
          ++failed;
        }
      }
      if (!reported && ready + failed == conns.size()) {
        reported = true;
        std::string r = "O " + std::to_string(ready) + " " + std::to_string(failed) + " ";
        for (auto& [room, n] : room_ready)
          r += std::to_string(room) + ":" + std::to_string(n) + ",";
        r += "\t" + first_error + "\n";
        write_all(ctl, r);
      }
    }
  }
  return 0;
}

// ----------------------------------------------------------- coordinator --

struct PhasePub {
  int phase = 0;
  double rate = 0;  // per room
  std::uint64_t start = 0, end = 0;
  std::uint64_t sent = 0, acked = 0, errors = 0;
  std::vector<std::uint64_t> acked_room;
  Histogram ack_lat;                        // ingest: send -> ack
  double server_cpu0 = 0, client_cpu0 = 0;  // CPU seconds at the start
};

// The machine's CPU pressure (share of time some task waited for a CPU, last 10 s):
// above ~20% another load is competing and absolute figures mean little.
double cpu_pressure() {
  std::ifstream f("/proc/pressure/cpu");
  std::string word;
  while (f >> word) {
    if (word.rfind("avg10=", 0) == 0) return std::atof(word.c_str() + 6);
  }
  return -1;
}

struct WorkerRef {
  pid_t pid = 0;
  int fd = -1;
  LineReader lr;
  bool opened = false;
  std::uint64_t ready = 0, failed = 0;
  std::string first_error;
  bool replied = false;
  std::uint64_t recv = 0, gaps = 0, dups = 0, closed = 0, errors = 0;
  Histogram hist;
};

std::string fmt(double v, int prec = 1) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}

class Coordinator {
 public:
  explicit Coordinator(Options o) : o_(std::move(o)) {}

  int run() {
    nonce_ = std::to_string(getpid()) + "x" + std::to_string(now_ns() % 1000000);
    s_.nonce = nonce_;
    if (!setup()) return 1;
    rss_base_ = rss_bytes(o_.server_pids);
    if (o_.mode == "ingest") return run_ingest();
    spawn_workers();
    Loop::Handlers h = handlers();
    loop_ = std::make_unique<Loop>(o_.host, o_.port, h);
    for (auto& w : workers_) {
      loop_->add_fd(w.fd);
      fcntl(w.fd, F_SETFL, O_NONBLOCK);
    }
    timer_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    loop_->add_fd(timer_);
    itimerspec its{};
    its.it_interval.tv_nsec = 1'000'000;
    its.it_value.tv_nsec = 1'000'000;
    timerfd_settime(timer_, 0, &its, nullptr);

    std::uint64_t t0 = now_ns();
    for (auto& w : workers_) write_all(w.fd, "open\n");
    run_until(
        [&] {
          for (auto& w : workers_)
            if (!w.opened) return false;
          return true;
        },
        600);
    double connect_s = static_cast<double>(now_ns() - t0) / 1e9;
    std::uint64_t ready = 0, failed = 0;
    for (auto& w : workers_) {
      ready += w.ready;
      failed += w.failed;
    }
    std::fprintf(
        stderr, "[%s] %llu/%d subscribers ready in %.1f s (%llu failed)%s%s\n", o_.label.c_str(),
        static_cast<unsigned long long>(ready), o_.conns, connect_s,
        static_cast<unsigned long long>(failed),
        workers_[0].first_error.empty() ? "" : "; first error: ", workers_[0].first_error.c_str());
    run_for(o_.settle);
    std::uint64_t rss_conn = rss_bytes(o_.server_pids);
    double per_conn = ready ? (static_cast<double>(rss_conn) - static_cast<double>(rss_base_)) /
                                  static_cast<double>(ready)
                            : 0;

    std::string json =
        "{\"label\":\"" + o_.label + "\",\"mode\":\"" + o_.mode + "\",\"target\":\"" + o_.target +
        "\",\"transport\":\"" + o_.transport + "\",\"conns\":" + std::to_string(o_.conns) +
        ",\"rooms\":" + std::to_string(o_.rooms) + ",\"size\":" + std::to_string(o_.size) +
        ",\"workers\":" + std::to_string(o_.workers) + ",\"ready\":" + std::to_string(ready) +
        ",\"failed\":" + std::to_string(failed) + ",\"connect_s\":" + fmt(connect_s, 2) +
        ",\"rss_base_bytes\":" + std::to_string(rss_base_) +
        ",\"rss_bytes\":" + std::to_string(rss_conn) +
        ",\"rss_per_conn_bytes\":" + fmt(per_conn, 0);
    if (o_.mode == "idle") {
      std::fprintf(stderr, "[%s] idle: server RSS %.1f MB -> %.1f MB: %.0f bytes per connection\n",
                   o_.label.c_str(), rss_base_ / 1048576.0, rss_conn / 1048576.0, per_conn);
      json += "}";
    } else {
      json += ",\"steps\":[";
      connect_publishers();
      // Warm-up (phase 0): first sends (parley joins the room), JIT, caches.
      if (o_.warmup > 0) {
        run_phase(0, o_.rates.front(), o_.warmup);
        finish_phase(0);
      }
      std::string best = "null";
      bool first = true;
      int phase = 1;
      for (double rate : o_.rates) {
        bool pass = false;
        // A failing step of a ramp is run again (up to --retries times) before the
        // ramp ends: on a shared machine one burst of someone else's load can fail it.
        for (int attempt = 0; attempt <= (o_.ramp ? o_.retries : 0) && !pass; ++attempt) {
          run_phase(phase, rate, o_.duration);
          auto [step, ok] = finish_phase(phase);
          json += (first ? "" : ",") + step;
          first = false;
          pass = ok;
          if (pass) best = step;
          ++phase;
        }
        if (!pass && o_.ramp) break;
      }
      json += "],\"best\":" + best + "}";
    }
    for (auto& w : workers_) write_all(w.fd, "quit\n");
    for (auto& w : workers_) waitpid(w.pid, nullptr, 0);
    emit(json);
    return 0;
  }

 private:
  // ---- set-up
  bool setup() {
    if (o_.target == "parley") {
      auto guest = [&](const std::string& name) -> std::string {
        auto r =
            http_request(o_.host, o_.port, "POST", "/api/guest", "{\"name\":\"" + name + "\"}", "");
        if (r.status != 200 && r.status != 201) {
          std::fprintf(stderr, "guest login failed: %d %s\n", r.status, r.body.c_str());
          return "";
        }
        return json_string(r.body, "token");
      };
      s_.sub_token = guest("sub" + nonce_);
      s_.pub_token = guest("pub" + nonce_);
      if (s_.sub_token.empty() || s_.pub_token.empty()) return false;
      for (int i = 0; i < o_.rooms; ++i) {
        auto r =
            http_request(o_.host, o_.port, "POST", "/api/rooms",
                         "{\"name\":\"b" + nonce_ + "-" + std::to_string(i) + "\"}", s_.pub_token);
        std::string id = json_string(r.body, "id");
        if (id.empty()) {
          std::fprintf(stderr, "creating a room failed: %d %s\n", r.status, r.body.c_str());
          return false;
        }
        s_.room_ids.push_back(id);
      }
    } else {
      for (int i = 0; i < o_.rooms; ++i)
        s_.room_ids.push_back("b" + nonce_ + "r" + std::to_string(i));
    }
    return true;
  }

  void spawn_workers() {
    std::fflush(nullptr);
    for (int w = 0; w < o_.workers; ++w) {
      int sv[2];
      socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
      pid_t pid = fork();
      if (pid == 0) {
        ::close(sv[0]);
        for (auto& prev : workers_) ::close(prev.fd);
        std::_Exit(worker_main(sv[1], w, o_, s_));
      }
      ::close(sv[1]);
      WorkerRef ref;
      ref.pid = pid;
      ref.fd = sv[0];
      workers_.push_back(std::move(ref));
    }
  }

  // ---- the event loop
  Loop::Handlers handlers() {
    Loop::Handlers h;
    h.on_open = [this](Conn& c, int) {
      c.state = State::ready;
      if (ingest_active_) top_up(c);
      return true;
    };
    h.on_line = [this](Conn& c, const char* p, std::size_t n, std::uint64_t now) {
      if (o_.target != "parley") return;  // peers echo the broadcast to publishers too
      bool ack = starts_with(p, n, R"({"type":"ack")");
      bool err = !ack && starts_with(p, n, R"({"type":"error")");
      if (!ack && !err) return;
      std::string_view line(p, n);
      std::string cid = json_string(line, "client_id");
      unsigned phase = 0, room = 0;
      std::sscanf(cid.c_str(), "p%ur%u", &phase, &room);
      std::uint64_t sent_ts = 0;
      if (!c.fifo.empty()) {
        sent_ts = c.fifo.front().first;
        c.fifo.pop_front();
      }
      if (phase >= phases_.size()) return;
      PhasePub& ph = phases_[phase];
      if (ack) {
        ++ph.acked;
        if (room < ph.acked_room.size()) ++ph.acked_room[room];
        if (sent_ts) ph.ack_lat.add((now - sent_ts) / 1000);
      } else {
        ++ph.errors;
        if (send_error_.empty()) send_error_ = std::string(line.substr(0, 300));
      }
      if (ingest_active_) top_up(c);
    };
    h.on_response = [this](Conn& c, int status, std::uint64_t) {
      if (c.fifo.empty()) return;
      auto tag = c.fifo.front().second;
      c.fifo.pop_front();
      if (c.retiring && c.fifo.empty() && c.out_off >= c.out.size()) loop_->close(c);
      unsigned phase = tag >> 20, room = tag & 0xfffff;
      if (phase >= phases_.size()) return;
      PhasePub& ph = phases_[phase];
      if (status / 100 == 2) {
        ++ph.acked;
        if (room < ph.acked_room.size()) ++ph.acked_room[room];
      } else {
        ++ph.errors;
        if (send_error_.empty()) send_error_ = "HTTP " + std::to_string(status);
      }
    };
    h.on_closed = [this](Conn& c, State was) {
      if (c.retiring && c.fifo.empty()) return;
      ++pub_closed_;
      std::fprintf(stderr, "[%s] publisher %d closed (state %d)\n", o_.label.c_str(), c.id,
                   static_cast<int>(was));
    };
    h.on_fd = [this](int fd) {
      if (fd == timer_) {
        std::uint64_t ticks;
        while (::read(timer_, &ticks, sizeof ticks) > 0) {
        }
        tick();
        return;
      }
      for (auto& w : workers_) {
        if (w.fd != fd) continue;
        w.lr.read(fd, [&](std::string_view line) { on_worker_line(w, line); });
      }
    };
    return h;
  }

  void on_worker_line(WorkerRef& w, std::string_view line) {
    auto tab = line.find('\t');
    if (tab != std::string_view::npos) {
      w.first_error = std::string(line.substr(tab + 1));
      line = line.substr(0, tab);
    }
    auto parts = split(line, ' ');
    if (parts[0] == "O" && parts.size() >= 4) {
      w.opened = true;
      w.ready = std::stoull(parts[1]);
      w.failed = std::stoull(parts[2]);
      for (auto& item : split(parts[3], ',')) {
        auto colon = item.find(':');
        if (colon == std::string::npos) continue;
        std::size_t room = std::stoul(item.substr(0, colon));
        if (room >= room_ready_.size()) room_ready_.resize(room + 1);
        room_ready_[room] += std::stoull(item.substr(colon + 1));
      }
    } else if (parts[0] == "S" && parts.size() >= 8) {
      w.replied = true;
      w.recv = std::stoull(parts[2]);
      w.gaps = std::stoull(parts[3]);
      w.dups = std::stoull(parts[4]);
      w.closed = std::stoull(parts[5]);
      w.errors = std::stoull(parts[6]);
      w.hist = Histogram::decode(parts[7]);
    }
  }

  template <class Pred>
  bool run_until(Pred&& pred, double timeout_s) {
    std::uint64_t deadline = now_ns() + static_cast<std::uint64_t>(timeout_s * 1e9);
    while (!pred()) {
      if (now_ns() >= deadline) return false;
      loop_->poll(1);
    }
    return true;
  }
  void run_for(double s) {
    std::uint64_t deadline = now_ns() + static_cast<std::uint64_t>(s * 1e9);
    while (now_ns() < deadline) loop_->poll(1);
  }

  // ---- publishing
  void connect_publishers() {
    loop_->reserve(static_cast<std::size_t>(o_.publishers) + 20000);
    Proto p = o_.target == "nchan" ? Proto::http_pub : Proto::ws;
    std::string path = o_.target == "parley" ? "/api/ws?token=" + s_.pub_token : "/";
    for (int i = 0; i < o_.publishers; ++i) pubs_.push_back(loop_->add_conn(p, i % o_.rooms, path));
    for (int id : pubs_) loop_->connect(loop_->conns()[static_cast<std::size_t>(id)], "127.0.0.1");
    run_until(
        [&] {
          for (int id : pubs_) {
            auto st = loop_->conns()[static_cast<std::size_t>(id)].state;
            if (st != State::ready && st != State::closed) return false;
          }
          return true;
        },
        30);
  }

  void publish_one(PhasePub& ph, std::uint64_t n) {
    std::uint32_t room = static_cast<std::uint32_t>(n % static_cast<std::uint64_t>(o_.rooms));
    std::uint64_t id = n / static_cast<std::uint64_t>(o_.rooms);
    // Message n goes out on publisher n mod P: a room's messages are spread over the
    // publishers (parley handles a connection's frames one at a time, so one
    // connection would bound the rate); the peers' single publisher keeps order.
    Conn& c = loop_->conns()[static_cast<std::size_t>(pubs_[n % pubs_.size()])];
    send_message(c, ph, room, id);
  }

  void send_message(Conn& c, PhasePub& ph, std::uint32_t room, std::uint64_t id) {
    std::uint64_t ts = now_ns();
    make_payload(payload_, o_.size, static_cast<std::uint32_t>(ph.phase), room, id, ts);
    const std::string& rid = s_.room_ids[room];
    frame_.clear();
    if (o_.target == "parley") {
      msg_ = R"({"type":"send","room":")" + rid + R"(","text":")" + payload_ +
             R"(","client_id":"p)" + std::to_string(ph.phase) + "r" + std::to_string(room) + "m" +
             std::to_string(id) + nonce_ + "\"}";
      ws_text(frame_, msg_);
      c.fifo.emplace_back(ts, 0);
    } else if (o_.target == "nchan") {
      if (++c.requests >= k_requests_per_pub_conn) retire(c);  // nginx: keepalive_requests 1000
      frame_ =
          "POST /pub/" + rid + " HTTP/1.1\r\nHost: " + o_.host +
          "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(payload_.size()) +
          "\r\n\r\n" + payload_;
      c.fifo.emplace_back(ts, (static_cast<std::uint32_t>(ph.phase) << 20) | room);
    } else {
      ws_text(frame_, payload_);
    }
    c.out.append(frame_);  // written at the end of the tick
    if (o_.target == "uws" || o_.target == "ws") {
      ++ph.acked;  // no acknowledgement in the peers' protocol: sent is published
      ++ph.acked_room[room];
    }
    ++ph.sent;
  }

  // nginx closes a keep-alive connection after its 1,000th request (keepalive_requests):
  // a publisher connection is replaced before that and closes once its replies are in.
  static constexpr std::uint32_t k_requests_per_pub_conn = 900;
  void retire(Conn& c) {
    c.retiring = true;
    retiring_.push_back(c.id);
    int fresh = loop_->add_conn(Proto::http_pub, c.room, c.path);  // capacity reserved
    for (auto& id : pubs_) {
      if (id == c.id) id = fresh;
    }
    loop_->connect(loop_->conns()[static_cast<std::size_t>(fresh)], "127.0.0.1");
  }

  void tick() {
    if (!publishing_) return;
    PhasePub& ph = phases_[static_cast<std::size_t>(cur_phase_)];
    std::uint64_t now = now_ns();
    if (now >= ph.end) {
      publishing_ = false;
    } else {
      double total = ph.rate * o_.rooms;
      auto target =
          static_cast<std::uint64_t>(total * static_cast<double>(now - ph.start) / 1e9) + 1;
      while (ph.sent < target) publish_one(ph, ph.sent);
    }
    for (int id : pubs_) loop_->flush(loop_->conns()[static_cast<std::size_t>(id)]);
    for (int id : retiring_) loop_->flush(loop_->conns()[static_cast<std::size_t>(id)]);
  }

  void run_phase(int phase, double rate, double duration) {
    if (phases_.size() <= static_cast<std::size_t>(phase))
      phases_.resize(static_cast<std::size_t>(phase) + 1);
    PhasePub& ph = phases_[static_cast<std::size_t>(phase)];
    ph.phase = phase;
    ph.rate = rate;
    ph.acked_room.assign(static_cast<std::size_t>(o_.rooms), 0);
    ph.server_cpu0 = cpu_seconds(o_.server_pids);
    ph.client_cpu0 = cpu_seconds({getpid()});
    pressure0_ = cpu_pressure();
    ph.start = now_ns();
    ph.end = ph.start + static_cast<std::uint64_t>(duration * 1e9);
    cur_phase_ = phase;
    publishing_ = true;
    run_until([&] { return !publishing_; }, duration + 5);
    publishing_ = false;
    ph.end = std::min(ph.end, now_ns());
  }

  std::pair<std::string, bool> finish_phase(int phase) {
    PhasePub& ph = phases_[static_cast<std::size_t>(phase)];
    std::uint64_t stop = now_ns();
    // Acknowledgements first (parley: the store's commit; nchan: the POST's reply).
    if (o_.target == "parley" || o_.target == "nchan") {
      run_until([&] { return ph.acked + ph.errors >= ph.sent; }, o_.drain);
    }
    std::uint64_t expected = 0;
    for (std::size_t r = 0; r < ph.acked_room.size() && r < room_ready_.size(); ++r) {
      expected += ph.acked_room[r] * room_ready_[r];
    }
    std::uint64_t recv = 0, gaps = 0, dups = 0, closed = 0, errors = 0;
    Histogram hist;
    while (true) {
      for (auto& w : workers_) {
        w.replied = false;
        write_all(w.fd, "stats " + std::to_string(phase) + "\n");
      }
      run_until(
          [&] {
            for (auto& w : workers_)
              if (!w.replied) return false;
            return true;
          },
          30);
      recv = gaps = dups = closed = errors = 0;
      hist.clear();
      for (auto& w : workers_) {
        recv += w.recv;
        gaps += w.gaps;
        dups += w.dups;
        closed += w.closed;
        errors += w.errors;
        hist.merge(w.hist);
      }
      if (recv >= expected) break;
      if (static_cast<double>(now_ns() - stop) / 1e9 > o_.drain) break;
      run_for(0.2);
    }
    double dur = static_cast<double>(ph.end - ph.start) / 1e9;
    std::uint64_t lost = expected > recv ? expected - recv : 0;
    double server_cpu = cpu_seconds(o_.server_pids) - ph.server_cpu0;
    double client_cpu = cpu_seconds({getpid()}) - ph.client_cpu0;
    double pressure = cpu_pressure();
    std::uint64_t new_gaps = gaps - prev_gaps_, new_dups = dups - prev_dups_;
    std::uint64_t new_closed = closed - prev_closed_, new_errors = errors - prev_errors_;
    prev_gaps_ = gaps;
    prev_dups_ = dups;
    prev_closed_ = closed;
    prev_errors_ = errors;
    double p50 = hist.quantile(0.5) / 1000, p99 = hist.quantile(0.99) / 1000,
           mx = static_cast<double>(hist.max()) / 1000;
    bool pass = recv > 0 && lost == 0 && new_gaps == 0 && new_dups == 0 && new_closed == 0 &&
                ph.errors == 0 && ph.acked == ph.sent && p99 <= o_.max_p99_ms;
    double offered = static_cast<double>(ph.sent) * static_cast<double>(recv_per_msg()) / dur;
    std::string j =
        "{\"phase\":" + std::to_string(phase) + ",\"rate_per_room\":" + fmt(ph.rate, 1) +
        ",\"msgs_per_s\":" + fmt(static_cast<double>(ph.sent) / dur, 1) +
        ",\"sent\":" + std::to_string(ph.sent) + ",\"acked\":" + std::to_string(ph.acked) +
        ",\"send_errors\":" + std::to_string(ph.errors) +
        ",\"expected\":" + std::to_string(expected) + ",\"delivered\":" + std::to_string(recv) +
        ",\"lost\":" + std::to_string(lost) + ",\"seq_gaps\":" + std::to_string(new_gaps) +
        ",\"seq_dups\":" + std::to_string(new_dups) +
        ",\"closed_by_server\":" + std::to_string(new_closed) +
        ",\"client_errors\":" + std::to_string(new_errors) + ",\"duration_s\":" + fmt(dur, 2) +
        ",\"offered_deliveries_per_s\":" + fmt(offered, 0) +
        ",\"deliveries_per_s\":" + fmt(static_cast<double>(recv) / dur, 0) +
        ",\"p50_ms\":" + fmt(p50, 2) + ",\"p99_ms\":" + fmt(p99, 2) + ",\"max_ms\":" + fmt(mx, 2) +
        (ph.ack_lat.total() ? ",\"ack_p50_ms\":" + fmt(ph.ack_lat.quantile(0.5) / 1000, 2) +
                                  ",\"ack_p99_ms\":" + fmt(ph.ack_lat.quantile(0.99) / 1000, 2)
                            : std::string()) +
        ",\"server_cpu_s\":" + fmt(server_cpu, 2) + ",\"server_cpu_ns_per_delivery\":" +
        fmt(recv ? server_cpu * 1e9 / static_cast<double>(recv) : 0, 0) +
        ",\"client_cpu_s\":" + fmt(client_cpu, 2) +
        ",\"cpu_pressure_avg10\":" + fmt(std::max(pressure0_, pressure), 1) +
        ",\"pass\":" + (pass ? "true" : "false") +
        (send_error_.empty() ? "" : ",\"first_send_error\":" + quote(send_error_)) + "}";
    if (phase > 0) {
      std::fprintf(
          stderr,
          "[%s] rate %.0f/room (%.0f msg/s): %.0f deliveries/s, p50 %.1f p99 %.1f max %.1f ms, "
          "lost %llu gaps %llu dups %llu closed %llu send_err %llu; server %.0f ns CPU/delivery; "
          "cpu pressure %.0f%%%s -> %s\n",
          o_.label.c_str(), ph.rate, static_cast<double>(ph.sent) / dur,
          static_cast<double>(recv) / dur, p50, p99, mx, static_cast<unsigned long long>(lost),
          static_cast<unsigned long long>(new_gaps), static_cast<unsigned long long>(new_dups),
          static_cast<unsigned long long>(new_closed), static_cast<unsigned long long>(ph.errors),
          recv ? server_cpu * 1e9 / static_cast<double>(recv) : 0.0, std::max(pressure0_, pressure),
          ph.ack_lat.total() ? ("; send->ack p50 " + fmt(ph.ack_lat.quantile(0.5) / 1000) +
                                " p99 " + fmt(ph.ack_lat.quantile(0.99) / 1000) + " ms")
                                   .c_str()
                             : "",
          pass ? "PASS" : "FAIL");
    }
    return {j, pass};
  }

  std::uint64_t recv_per_msg() const {
    std::uint64_t total = 0;
    for (auto n : room_ready_) total += n;
    return o_.rooms ? total / static_cast<std::uint64_t>(o_.rooms) : 0;
  }

  static std::string quote(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
      if (ch == '"' || ch == '\\') out += '\\';
      if (static_cast<unsigned char>(ch) < 0x20) continue;
      out += ch;
    }
    return out + "\"";
  }

  // ---- ingest: closed loop, `window` sends in flight per connection
  void top_up(Conn& c) {
    PhasePub& ph = phases_[static_cast<std::size_t>(cur_phase_)];
    if (now_ns() >= ph.end) {
      ingest_active_ = false;
      return;
    }
    while (c.fifo.size() < static_cast<std::size_t>(o_.window)) {
      send_message(c, ph, static_cast<std::uint32_t>(c.room), ph.sent);
    }
    loop_->flush(c);
  }

  std::uint64_t stored_total() {
    std::uint64_t total = 0;
    for (auto& id : s_.room_ids) {
      auto r = http_request(o_.host, o_.port, "GET", "/api/rooms/" + id, "", s_.pub_token);
      long long v = json_int(r.body, "last_seq");
      if (v > 0) total += static_cast<std::uint64_t>(v);
    }
    return total;
  }

  int run_ingest() {
    Loop::Handlers h = handlers();
    loop_ = std::make_unique<Loop>(o_.host, o_.port, h);
    std::string path = "/api/ws?token=" + s_.pub_token;
    for (int i = 0; i < o_.conns; ++i)
      pubs_.push_back(loop_->add_conn(Proto::ws, i % o_.rooms, path));
    std::uint64_t t0 = now_ns();
    std::size_t next = 0;
    auto pending = [&] {
      int n = 0;
      for (int id : pubs_) {
        auto st = loop_->conns()[static_cast<std::size_t>(id)].state;
        if (st == State::connecting || st == State::handshake) ++n;
      }
      return n;
    };
    while (next < pubs_.size() || pending() > 0) {
      while (next < pubs_.size() && pending() < o_.connect_parallel) {
        loop_->connect(loop_->conns()[static_cast<std::size_t>(pubs_[next++])], "127.0.0.2");
      }
      loop_->poll(2);
      if (now_ns() - t0 > 120'000'000'000ull) break;
    }
    std::size_t ready = 0;
    for (int id : pubs_)
      ready += loop_->conns()[static_cast<std::size_t>(id)].state == State::ready;
    std::fprintf(stderr, "[%s] %zu/%d sending connections ready\n", o_.label.c_str(), ready,
                 o_.conns);

    auto phase = [&](int p, double duration) {
      if (phases_.size() <= static_cast<std::size_t>(p))
        phases_.resize(static_cast<std::size_t>(p) + 1);
      PhasePub& ph = phases_[static_cast<std::size_t>(p)];
      ph.phase = p;
      ph.acked_room.assign(static_cast<std::size_t>(o_.rooms), 0);
      ph.start = now_ns();
      ph.end = ph.start + static_cast<std::uint64_t>(duration * 1e9);
      cur_phase_ = p;
      ingest_active_ = true;
      for (int id : pubs_) {
        Conn& c = loop_->conns()[static_cast<std::size_t>(id)];
        if (c.state == State::ready) top_up(c);
      }
      run_until([&] { return now_ns() >= ph.end; }, duration + 1);
      ingest_active_ = false;
      run_until([&] { return ph.acked + ph.errors >= ph.sent; }, o_.drain + 10);
      std::uint64_t last = ph.start;
      last = std::max(last, ph.end);
      return (static_cast<double>(last - ph.start)) / 1e9;
    };
    phase(0, o_.warmup > 0 ? o_.warmup : 1);  // joins every room (first send), warms caches
    std::uint64_t before = stored_total();
    double cpu0 = cpu_seconds(o_.server_pids);
    double pressure = cpu_pressure();
    double dur = phase(1, o_.duration);
    double server_cpu = cpu_seconds(o_.server_pids) - cpu0;
    pressure = std::max(pressure, cpu_pressure());
    std::uint64_t after = stored_total();
    PhasePub& ph = phases_[1];
    double rate = static_cast<double>(ph.acked) / dur;
    bool verified = after - before == ph.acked;
    std::fprintf(
        stderr,
        "[%s] ingest: %llu acked in %.1f s = %.0f durable msgs/s; ack p50 %.1f p99 %.1f max %.1f "
        "ms; "
        "errors %llu; stored %llu (%s); server %.1f us CPU/msg; cpu pressure %.0f%%\n",
        o_.label.c_str(), static_cast<unsigned long long>(ph.acked), dur, rate,
        ph.ack_lat.quantile(0.5) / 1000, ph.ack_lat.quantile(0.99) / 1000,
        static_cast<double>(ph.ack_lat.max()) / 1000, static_cast<unsigned long long>(ph.errors),
        static_cast<unsigned long long>(after - before), verified ? "every ack stored" : "MISMATCH",
        ph.acked ? server_cpu * 1e6 / static_cast<double>(ph.acked) : 0.0, pressure);
    std::string rooms = "[";
    for (std::size_t i = 0; i < s_.room_ids.size(); ++i)
      rooms += (i ? ",\"" : "\"") + s_.room_ids[i] + "\"";
    rooms += "]";
    std::string json =
        "{\"label\":\"" + o_.label + "\",\"mode\":\"ingest\",\"target\":\"parley\"" +
        ",\"conns\":" + std::to_string(o_.conns) + ",\"rooms\":" + std::to_string(o_.rooms) +
        ",\"window\":" + std::to_string(o_.window) + ",\"ready\":" + std::to_string(ready) +
        ",\"acked\":" + std::to_string(ph.acked) + ",\"sent\":" + std::to_string(ph.sent) +
        ",\"send_errors\":" + std::to_string(ph.errors) + ",\"duration_s\":" + fmt(dur, 2) +
        ",\"msgs_per_s\":" + fmt(rate, 0) + ",\"stored\":" + std::to_string(after - before) +
        ",\"verified\":" + (verified ? "true" : "false") +
        ",\"server_cpu_s\":" + fmt(server_cpu, 2) + ",\"server_cpu_us_per_msg\":" +
        fmt(ph.acked ? server_cpu * 1e6 / static_cast<double>(ph.acked) : 0, 1) +
        ",\"cpu_pressure_avg10\":" + fmt(pressure, 1) +
        ",\"ack_p50_ms\":" + fmt(ph.ack_lat.quantile(0.5) / 1000, 2) +
        ",\"ack_p99_ms\":" + fmt(ph.ack_lat.quantile(0.99) / 1000, 2) +
        ",\"ack_max_ms\":" + fmt(static_cast<double>(ph.ack_lat.max()) / 1000, 2) +
        ",\"rss_bytes\":" + std::to_string(rss_bytes(o_.server_pids)) +
        (send_error_.empty() ? "" : ",\"first_send_error\":" + quote(send_error_)) +
        ",\"token\":\"" + s_.pub_token + "\",\"room_ids\":" + rooms + "}";
    emit(json);
    return 0;
  }

  void emit(const std::string& json) {
    if (!o_.out.empty()) {
      std::ofstream f(o_.out);
      f << json << "\n";
    } else {
      std::printf("%s\n", json.c_str());
    }
  }

  Options o_;
  Setup s_;
  std::string nonce_;
  std::uint64_t rss_base_ = 0;
  std::vector<WorkerRef> workers_;
  std::unique_ptr<Loop> loop_;
  int timer_ = -1;
  std::vector<int> pubs_;
  std::vector<int> retiring_;
  std::vector<PhasePub> phases_;
  std::vector<std::uint64_t> room_ready_;
  int cur_phase_ = 0;
  bool publishing_ = false;
  bool ingest_active_ = false;
  std::uint64_t pub_closed_ = 0;
  std::uint64_t prev_gaps_ = 0, prev_dups_ = 0, prev_closed_ = 0, prev_errors_ = 0;
  std::string send_error_;
  double pressure0_ = 0;
  std::string payload_, msg_, frame_;
};

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  Options o = parse_args(argc, argv);
  if (o.label.empty()) o.label = o.target + "-" + o.transport + "-" + o.mode;
  return Coordinator(std::move(o)).run();
}
