#include "chat/rate_limiter.hpp"

#include <algorithm>

namespace parley::chat {

namespace {

// Refills are fractional (rate * elapsed), so a bucket that should hold exactly one
// token can hold 0.9999999 after many small refills; without this slack a client
// sending at exactly the sustained rate would be refused now and then.
constexpr double k_epsilon = 1e-9;

double refilled(double tokens, std::int64_t from_ms, std::int64_t to_ms, double rate,
                double burst) noexcept {
  // A clock that steps backwards adds nothing rather than draining the bucket.
  const std::int64_t elapsed_ms = std::max<std::int64_t>(to_ms - from_ms, 0);
  return std::min(burst, tokens + static_cast<double>(elapsed_ms) * rate / 1000.0);
}

}  // namespace

bool RateLimiter::allow(const std::string& key, std::int64_t now_ms) {
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now_ms});
  Bucket& b = it->second;
  if (!inserted) {
    b.tokens = refilled(b.tokens, b.at_ms, now_ms, rate_, burst_);
    b.at_ms = std::max(b.at_ms, now_ms);
  }
  if (b.tokens + k_epsilon < 1.0) return false;
  b.tokens = std::max(b.tokens - 1.0, 0.0);
  return true;
}

void RateLimiter::sweep(std::int64_t now_ms) {
  // A full bucket behaves exactly like a missing one (a new key starts full), so
  // dropping it changes no future decision.
  std::erase_if(buckets_, [&](const auto& entry) {
    const Bucket& b = entry.second;
    return refilled(b.tokens, b.at_ms, now_ms, rate_, burst_) + k_epsilon >= burst_;
  });
}

}  // namespace parley::chat
