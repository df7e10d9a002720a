#pragma once
// Who is making a request, as resolved by the HTTP layer from (in order) a Bearer
// token, a ?token= query parameter, or the session cookie (API.md Conventions).
#include "chat/types.hpp"

namespace parley::transport {

struct Identity {
  chat::UserRef user;
  bool via_cookie = false;  // cookie-authenticated: state changes need the CSRF check
};

}  // namespace parley::transport
