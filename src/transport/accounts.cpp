#include "transport/accounts.hpp"

#include "auth/password.hpp"
#include "chat/validate.hpp"
#include "transport/blocking.hpp"
#include "transport/store_call.hpp"

namespace parley::transport {

namespace asio = boost::asio;
using chat::ErrorKind;

namespace {

bool allowed_to_register(const Options& o, std::string_view name) {
  if (o.open_registration) return true;
  for (const auto& a : o.allow_list) {
    if (a == name) return true;
  }
  return false;
}

}  // namespace

asio::awaitable<chat::Result<chat::User>> register_account(Services& s, const std::string& name,
                                                           const std::string& password) {
  if (!s.options.password_login) {
    co_return chat::fail(ErrorKind::forbidden, "password login is disabled");
  }
  if (auto v = chat::check_username(name, s.options.limits); !v)
    co_return std::unexpected(v.error());
  if (auto v = chat::check_password(password, s.options.limits); !v) {
    co_return std::unexpected(v.error());
  }
  if (!allowed_to_register(s.options, name)) {
    co_return chat::fail(ErrorKind::forbidden, "registration is by invitation only");
  }
  auto hash_it = [p = password] { return auth::hash_password(p); };
  std::string hash = co_await blocking_call(s.workers, hash_it);
  co_return co_await store_call<chat::User>([&](auto cb) {
    s.store.create_user(store::NewUser{name, hash, "password", {}}, cb);
  });
}

asio::awaitable<chat::Result<chat::User>> check_password_login(Services& s, const std::string& name,
                                                               const std::string& password) {
  if (!s.options.password_login) {
    co_return chat::fail(ErrorKind::forbidden, "password login is disabled");
  }
  auto user =
      co_await store_call<chat::User>([&](auto cb) { s.store.find_user_by_name(name, cb); });
  std::string hash = user ? user->password_hash : std::string();
  // An unknown user costs the same time as a wrong password, so timing does not
  // tell which names exist.
  auto check = [p = password, hash] {
    if (hash.empty()) {
      auth::burn_verify_time();
      return false;
    }
    return auth::verify_password(p, hash);
  };
  bool good = co_await blocking_call(s.workers, check);
  if (!good) co_return chat::fail(ErrorKind::unauthorized, "wrong username or password");
  co_return user;
}

}  // namespace parley::transport
