#pragma once
// A token bucket per key (user id). Not thread-safe: each shard keeps its own, or
// the owner serialises access. Time is passed in so tests control it.
#include <cstdint>
#include <string>
#include <unordered_map>

namespace parley::chat {

class RateLimiter {
 public:
  // rate: tokens added per second; burst: bucket capacity.
  RateLimiter(double rate, double burst) noexcept : rate_(rate), burst_(burst) {}
  // Takes one token for key at now_ms; false when the bucket is empty.
  bool allow(const std::string& key, std::int64_t now_ms);
  // Drops buckets that are full again (idle keys), bounding memory.
  void sweep(std::int64_t now_ms);
  std::size_t size() const noexcept { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    std::int64_t at_ms;
  };
  double rate_;
  double burst_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace parley::chat
