#pragma once
// HS256 JSON Web Tokens (RFC 7519) for the API's "Authorization: Bearer" and
// "?token=" credentials.
//
// Promises: verify() accepts only tokens this signer's secret signed with HMAC-SHA256
// (the header must say alg HS256, typ JWT: "none" and every other algorithm are
// refused), compares signatures in constant time, and refuses a token at or after its
// exp. Every refusal is ErrorKind::unauthorized with "token expired" or "invalid
// token" — never a detail that would help forge one. A JwtSigner is immutable after
// construction, so one instance may be shared by all threads.
#include <cstdint>
#include <string>
#include <string_view>

#include "chat/error.hpp"

namespace parley::auth {

struct Claims {
  std::string sub;       // user id
  std::string name;      // display name at the time of issue
  std::int64_t iat = 0;  // issued at, seconds since the Unix epoch
  std::int64_t exp = 0;  // expires at (exclusive), seconds since the Unix epoch
};

class JwtSigner {
 public:
  // Throws std::invalid_argument if `secret` is empty or `ttl_seconds` is not
  // positive: a server must not start with either.
  JwtSigner(std::string secret, std::int64_t ttl_seconds);

  // A token for `user_id` valid from `now_s` for ttl_seconds.
  std::string issue(std::string_view user_id, std::string_view name, std::int64_t now_s) const;

  // The claims of `token` if it is valid at `now_s`.
  chat::Result<Claims> verify(std::string_view token, std::int64_t now_s) const;

  std::int64_t ttl_seconds() const noexcept { return ttl_seconds_; }

 private:
  std::string secret_;
  std::int64_t ttl_seconds_;
};

}  // namespace parley::auth
