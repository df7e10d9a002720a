#include "service/context.hpp"

namespace parley::service {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const auth::OAuthProvider* oauth_provider(const Options& o, std::string_view name) {
  for (const auto& p : o.oauth) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool SendRate::allow(const std::string& user_id) {
  auto now = now_ms();
  std::lock_guard lock(mu_);
  // Sweep full buckets once a minute so idle users don't accumulate.
  if (now - last_sweep_ms_ > 60'000) {
    limiter_.sweep(now);
    last_sweep_ms_ = now;
  }
  return limiter_.allow(user_id, now);
}

}  // namespace parley::service
