#pragma once
// What the services work with, wired once by app/: the store, the bus, the
// configuration. Only the services see it (services.hpp is what transports get).
// Everything referenced here outlives every session.
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "auth/oauth_provider.hpp"
#include "bus/bus.hpp"
#include "chat/limits.hpp"
#include "chat/rate_limiter.hpp"
#include "chat/types.hpp"
#include "service/presence.hpp"
#include "store/store.hpp"

namespace parley::auth {
class JwtSigner;
}
namespace parley::metrics {
class Metrics;
}

namespace parley::service {

struct Options {
  chat::Limits limits;
  std::string base_url;
  std::vector<std::string> allowed_origins;  // ALLOWED_ORIGINS, serialised (auth/origin.hpp)
  bool guest_login = true;
  bool password_login = true;
  bool open_registration = true;
  std::vector<std::string> allow_list;     // login names allowed to register when not open
  std::vector<auth::OAuthProvider> oauth;  // configured providers, in the login page's order
  std::size_t max_queue_bytes = 4 << 20;   // per subscriber; past it the subscriber is closed
  std::chrono::seconds sse_ping{20};
  std::chrono::seconds ws_ping{30};          // silent this long: pinged (< ws_idle_timeout)
  std::chrono::seconds ws_idle_timeout{60};  // no pong for this long closes the socket
  std::string instance_id;                   // INSTANCE_ID, shown by /health
  std::chrono::seconds session_ttl{90 * 24 * 3600};
  bool secure_cookies = false;  // BASE_URL is https
  bool single_session = false;  // SINGLE_SESSION: a user's newest connection ends the older
};

// Per-user send rate, shared by every shard so a user with two connections on two
// shards still gets one budget. A mutex is enough: one short critical section per send.
class SendRate {
 public:
  SendRate(double rate, double burst) : limiter_(rate, burst) {}
  bool allow(const std::string& user_id);

 private:
  std::mutex mu_;
  chat::RateLimiter limiter_;
  std::int64_t last_sweep_ms_ = 0;
};

struct Context {
  store::Store& store;
  bus::Bus& bus;
  auth::JwtSigner& jwt;
  metrics::Metrics& metrics;
  SendRate& send_rate;
  boost::asio::thread_pool& workers;  // blocking work: password hashing, OAuth requests
  Presence& presence;
  Options options;
};

std::int64_t now_ms();

// The configured OAuth provider called `name`, or nullptr.
const auth::OAuthProvider* oauth_provider(const Options& o, std::string_view name);

}  // namespace parley::service
