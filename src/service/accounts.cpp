#include "service/accounts.hpp"

#include "auth/password.hpp"
#include "chat/validate.hpp"
#include "service/blocking.hpp"
#include "service/store_call.hpp"
#include "store/random_id.hpp"

namespace parley::service {

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

asio::awaitable<chat::Result<chat::User>> Accounts::register_password(const std::string& name,
                                                                      const std::string& password) {
  auto& s = ctx_;
  if (!s.options.password_login) {
    co_return chat::fail(ErrorKind::forbidden, "password login is disabled");
  }
  if (auto v = chat::check_username(name, s.options.limits); !v) co_return v.error();
  if (auto v = chat::check_password(password, s.options.limits); !v) {
    co_return v.error();
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

asio::awaitable<chat::Result<chat::User>> Accounts::check_password(const std::string& name,
                                                                   const std::string& password) {
  auto& s = ctx_;
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

}  // namespace parley::service

namespace parley::service {

asio::awaitable<chat::Result<chat::User>> Accounts::sign_in_with_provider(
    const std::string& provider, const auth::OAuthProfile& profile) {
  auto& s = ctx_;
  const store::ExternalIdentity identity{provider, profile.subject};
  auto linked = co_await store_call<chat::User>(
      [&](auto cb) { s.store.find_user_by_identity(identity, cb); });
  if (linked || linked.error().kind != ErrorKind::not_found) co_return linked;

  // Room for a "-xxxx" suffix, so a retry's name is still a valid login name.
  constexpr std::size_t k_suffix = 5;
  const auto& limits = s.options.limits;
  const std::string base = auth::username_for(profile, limits, limits.max_username - k_suffix);
  // Only what the provider vouches for names a person on the list: a handle unique
  // at the provider, or a verified e-mail. Display names and unverified e-mails are
  // whatever the person typed.
  const bool on_list = s.options.open_registration ||
                       (profile.login_unique && !profile.login.empty() &&
                        allowed_to_register(s.options, profile.login)) ||
                       (profile.email_verified && !profile.email.empty() &&
                        allowed_to_register(s.options, profile.email));
  if (!on_list) co_return chat::fail(ErrorKind::forbidden, "registration is by invitation only");

  // A name clash is not an error: the provider proved who this is, the name is
  // only a label. Same retry as a guest's (create_guest).
  chat::Result<chat::User> user;
  for (int attempt = 0; attempt < 5; ++attempt) {
    store::NewUser nu{attempt == 0 ? base : base + "-" + store::random_id().substr(0, 4),
                      {},
                      provider,
                      profile.avatar_url};
    user = co_await store_call<chat::User>(
        [&](auto cb) { s.store.create_user_with_identity(nu, identity, cb); });
    if (user || user.error().kind != ErrorKind::conflict) break;
  }
  co_return user;
}

asio::awaitable<chat::Result<chat::User>> Accounts::user(const chat::UserId& id) {
  co_return co_await store_call<chat::User>([&](auto cb) { ctx_.store.get_user(id, cb); });
}

}  // namespace parley::service
