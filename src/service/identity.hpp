#pragma once
// Who is making a request, as resolved by the HTTP layer from (in order) a Bearer
// token, a ?token= query parameter, or the session cookie (API.md Conventions).
#include <cstdint>

#include "chat/types.hpp"

namespace parley::service {

struct Identity {
  chat::UserRef user;
  bool via_cookie = false;        // cookie-authenticated: state changes need the CSRF check
  std::int64_t expires_at_s = 0;  // when a token's identity ends (Unix s); 0 for sessions
};

}  // namespace parley::service
