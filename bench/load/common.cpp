#include "common.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace bench {

std::uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

double Histogram::quantile(double q) const {
  if (total_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total_));
  if (rank >= total_) rank = total_ - 1;
  std::uint64_t seen = 0;
  for (int i = 0; i < k_buckets; ++i) {
    seen += counts_[i];
    if (seen > rank) return static_cast<double>(std::min(upper(i), max_));
  }
  return static_cast<double>(max_);
}

std::string Histogram::encode() const {
  std::string out;
  char buf[48];
  for (int i = 0; i < k_buckets; ++i) {
    if (!counts_[i]) continue;
    int n =
        std::snprintf(buf, sizeof buf, "%d:%llu,", i, static_cast<unsigned long long>(counts_[i]));
    out.append(buf, n);
  }
  out += ';';
  out += std::to_string(max_);
  return out;
}

Histogram Histogram::decode(std::string_view s) {
  Histogram h;
  auto semi = s.find(';');
  std::string_view list = s.substr(0, semi);
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    auto colon = item.find(':');
    if (colon != std::string_view::npos) {
      int i = std::atoi(std::string(item.substr(0, colon)).c_str());
      std::uint64_t c = std::strtoull(std::string(item.substr(colon + 1)).c_str(), nullptr, 10);
      if (i >= 0 && i < k_buckets) {
        h.counts_[i] += c;
        h.total_ += c;
      }
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (semi != std::string_view::npos) {
    h.max_ = std::strtoull(std::string(s.substr(semi + 1)).c_str(), nullptr, 10);
  }
  return h;
}

HttpResult http_request(const std::string& host, int port, const std::string& method,
                        const std::string& path, const std::string& body,
                        const std::string& token) {
  HttpResult r;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return r;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return r;
  }
  std::string req =
      method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty() || method == "POST") {
    req +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n";
  req += body;
  std::size_t off = 0;
  while (off < req.size()) {
    ssize_t n = ::write(fd, req.data() + off, req.size() - off);
    if (n <= 0) {
      ::close(fd);
      return r;
    }
    off += static_cast<std::size_t>(n);
  }
  std::string resp;
  char buf[16384];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    resp.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (resp.size() < 12 || resp.compare(0, 5, "HTTP/") != 0) return r;
  r.status = std::atoi(resp.c_str() + 9);
  auto end = resp.find("\r\n\r\n");
  if (end != std::string::npos) r.body = resp.substr(end + 4);
  return r;
}

std::string json_string(std::string_view json, std::string_view key) {
  std::string pat = "\"" + std::string(key) + "\":\"";
  auto p = json.find(pat);
  if (p == std::string_view::npos) return {};
  p += pat.size();
  auto e = json.find('"', p);
  if (e == std::string_view::npos) return {};
  return std::string(json.substr(p, e - p));
}

long long json_int(std::string_view json, std::string_view key) {
  std::string pat = "\"" + std::string(key) + "\":";
  auto p = json.find(pat);
  if (p == std::string_view::npos) return -1;
  return std::strtoll(std::string(json.substr(p + pat.size(), 24)).c_str(), nullptr, 10);
}

namespace {
std::uint64_t rss_of(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  }
  return 0;
}
pid_t parent_of(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto rp = s.rfind(')');
  if (rp == std::string::npos) return 0;
  std::istringstream in(s.substr(rp + 2));
  char state;
  pid_t ppid = 0;
  in >> state >> ppid;
  return ppid;
}

std::vector<pid_t> with_children(const std::vector<pid_t>& pids) {
  std::vector<pid_t> all = pids;
  if (pids.empty()) return all;
  DIR* d = opendir("/proc");
  if (!d) return all;
  while (dirent* e = readdir(d)) {
    pid_t child = std::atoi(e->d_name);
    if (child <= 0) continue;
    pid_t pp = parent_of(child);
    if (std::find(pids.begin(), pids.end(), pp) != pids.end()) all.push_back(child);
  }
  closedir(d);
  return all;
}
double cpu_of(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto rp = s.rfind(')');
  if (rp == std::string::npos) return 0;
  std::istringstream in(s.substr(rp + 2));
  std::string field;
  unsigned long long ut = 0, st = 0;
  for (int i = 3; i <= 15; ++i) {
    in >> field;
    if (i == 14) ut = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) st = std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(ut + st) / static_cast<double>(sysconf(_SC_CLK_TCK));
}
}  // namespace

std::uint64_t rss_bytes(const std::vector<pid_t>& pids) {
  std::uint64_t total = 0;
  for (pid_t p : with_children(pids)) total += rss_of(p);
  return total;
}

double cpu_seconds(const std::vector<pid_t>& pids) {
  double total = 0;
  for (pid_t p : with_children(pids)) total += cpu_of(p);
  return total;
}

double self_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  while (true) {
    auto p = s.find(sep);
    out.emplace_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

}  // namespace bench
