#pragma once
// Accounts: registering and signing in with a password, shared by the JSON API
// (/api/register, /api/login) and the login page's form, so both check, limit and
// answer identically; and the account behind an OAuth sign-in. Password hashing
// runs on the worker pool, never on a shard.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "auth/oauth_provider.hpp"
#include "chat/error.hpp"
#include "chat/types.hpp"
#include "service/context.hpp"

namespace parley::service {

class Accounts {
 public:
  explicit Accounts(Context& ctx) : ctx_(ctx) {}

  // Creates a password account: forbidden when password login is off or the name is
  // not on the allow list (registration closed); invalid for a bad name or password;
  // conflict when the name is taken.
  boost::asio::awaitable<chat::Result<chat::User>> register_password(const std::string& name,
                                                                     const std::string& password);

  // Checks a name and password: forbidden when password login is off, unauthorized
  // for an unknown name or a wrong password (in the same time, so timing does not
  // tell which names exist).
  boost::asio::awaitable<chat::Result<chat::User>> check_password(const std::string& name,
                                                                  const std::string& password);

  // The user an OAuth sign-in stands for: the one linked to the provider's id for
  // the person, else a new account linked to it, named after the profile (made
  // unique with a suffix when taken). A new account follows the password rules for
  // who may register: forbidden when registration is closed and neither the
  // profile's handle (where unique at the provider) nor its verified e-mail is on
  // the allow list.
  boost::asio::awaitable<chat::Result<chat::User>> sign_in_with_provider(
      const std::string& provider, const auth::OAuthProfile& profile);

  // A user by id; not_found.
  boost::asio::awaitable<chat::Result<chat::User>> user(const chat::UserId& id);

 private:
  Context& ctx_;
};

}  // namespace parley::service
