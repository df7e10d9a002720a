#pragma once
// Password accounts: registering and signing in, shared by the JSON API
// (/api/register, /api/login) and the login page's form, so both check, limit and
// answer identically. Password hashing runs on the worker pool, never on a shard.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "chat/error.hpp"
#include "chat/types.hpp"
#include "transport/services.hpp"

namespace parley::transport {

// Creates a password account: forbidden when password login is off or the name is
// not on the allow list (registration closed); invalid for a bad name or password;
// conflict when the name is taken.
boost::asio::awaitable<chat::Result<chat::User>> register_account(Services& s,
                                                                  const std::string& name,
                                                                  const std::string& password);

// Checks a name and password: forbidden when password login is off, unauthorized
// for an unknown name or a wrong password (in the same time, so timing does not
// tell which names exist).
boost::asio::awaitable<chat::Result<chat::User>> check_password_login(Services& s,
                                                                      const std::string& name,
                                                                      const std::string& password);

}  // namespace parley::transport
