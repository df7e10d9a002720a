#include "service/sessions.hpp"

#include <atomic>

#include "auth/tokens.hpp"
#include "service/store_call.hpp"
#include "store/random_id.hpp"

namespace parley::service {

namespace asio = boost::asio;
using chat::ErrorKind;

asio::awaitable<chat::Result<std::string>> Sessions::start(const chat::UserId& user) {
  std::string token = auth::random_token();
  const auto ttl = std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.options.session_ttl);
  store::Session session{auth::sha256_hex(token), user, now_ms() + ttl.count()};
  auto r = co_await store_call<void>([&](auto cb) { ctx_.store.create_session(session, cb); });
  if (!r) co_return r.error();
  co_return token;
}

asio::awaitable<chat::Result<Identity>> Sessions::resolve(const std::string& token) {
  auto session = co_await store_call<store::Session>(
      [&](auto cb) { ctx_.store.get_session(auth::sha256_hex(token), cb); });
  if (!session) co_return chat::fail(ErrorKind::unauthorized, "session expired or unknown");
  auto user =
      co_await store_call<chat::User>([&](auto cb) { ctx_.store.get_user(session->user_id, cb); });
  if (!user) co_return chat::fail(ErrorKind::unauthorized, "session expired or unknown");
  co_return Identity{user->ref(), true};
}

asio::awaitable<chat::Result<void>> Sessions::end(const std::string& token) {
  co_return co_await store_call<void>(
      [&](auto cb) { ctx_.store.delete_session(auth::sha256_hex(token), cb); });
}

asio::awaitable<chat::Result<chat::User>> Sessions::create_guest(const std::string& name) {
  chat::Result<chat::User> user;
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string candidate = attempt == 0 ? name : name + "-" + store::random_id().substr(0, 4);
    user = co_await store_call<chat::User>([&](auto cb) {
      ctx_.store.create_user(store::NewUser{candidate, {}, "guest", {}}, cb);
    });
    if (user || user.error().kind != ErrorKind::conflict) break;
  }
  co_return user;
}

std::uint64_t Sessions::next_serial() {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

void Sessions::kick_older(const chat::UserId& user, std::uint64_t serial) {
  if (ctx_.options.single_session) ctx_.bus.publish_kick({user, serial});
}

}  // namespace parley::service
