#pragma once
// Small pieces the load client shares: clocks, a latency histogram that merges
// across processes, a blocking HTTP helper for set-up, and server RSS.
#include <sys/types.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

std::uint64_t now_ns();  // CLOCK_MONOTONIC: one clock for every process on the machine

// Log-linear histogram of microseconds: exact below 128 µs, then 64 sub-buckets per
// power of two (under 1.6% relative error), up to ~2^40 µs.
class Histogram {
 public:
  static constexpr int k_buckets = 64 * 36;
  void add(std::uint64_t us) {
    ++counts_[index(us)];
    ++total_;
    if (us > max_) max_ = us;
  }
  void merge(const Histogram& o) {
    for (int i = 0; i < k_buckets; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    max_ = std::max(max_, o.max_);
  }
  std::uint64_t total() const { return total_; }
  std::uint64_t max() const { return max_; }
  // The value at quantile q (0..1), in µs (upper edge of its bucket, capped at max).
  double quantile(double q) const;
  // "i:c,i:c,...;max" for the control pipe, and back.
  std::string encode() const;
  static Histogram decode(std::string_view s);
  void clear() { *this = Histogram{}; }

  static int index(std::uint64_t us) {
    if (us < 128) return static_cast<int>(us);
    int msb = 63 - __builtin_clzll(us);
    int shift = msb - 6;
    int i = (shift + 1) * 64 + static_cast<int>((us >> shift) & 63);
    return std::min(i, k_buckets - 1);
  }
  static std::uint64_t upper(int i) {
    if (i < 128) return static_cast<std::uint64_t>(i);
    int shift = i / 64 - 1;
    std::uint64_t sub = static_cast<std::uint64_t>(i % 64);
    return ((64 + sub + 1) << shift) - 1;
  }

 private:
  std::array<std::uint64_t, k_buckets> counts_{};
  std::uint64_t total_ = 0;
  std::uint64_t max_ = 0;
};

struct HttpResult {
  int status = 0;
  std::string body;
};
// One request on a fresh connection (Connection: close). status 0: transport error.
HttpResult http_request(const std::string& host, int port, const std::string& method,
                        const std::string& path, const std::string& body, const std::string& token);

// The string value of the first "key":"..." in a JSON text ("" if absent).
std::string json_string(std::string_view json, std::string_view key);
// The integer value of the first "key":N in a JSON text (-1 if absent).
long long json_int(std::string_view json, std::string_view key);

// Resident set of the pids and their direct children, in bytes (nginx: master +
// workers). 0 when none can be read.
std::uint64_t rss_bytes(const std::vector<pid_t>& pids);

// CPU time (user + system) of the pids and their direct children, in seconds.
double cpu_seconds(const std::vector<pid_t>& pids);
// This process and its children that were waited for, in seconds.
double self_cpu_seconds();

std::vector<std::string> split(std::string_view s, char sep);

}  // namespace bench
