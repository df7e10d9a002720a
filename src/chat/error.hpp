#pragma once
// The domain's error type: a kind that every transport maps to one status, and a
// message fit to show a user. The domain returns these; it never throws them.
#include <boost/system/result.hpp>
#include <string>
#include <utility>

namespace parley::chat {

enum class ErrorKind {
  bad_request,   // 400 malformed input (JSON, UTF-8, missing field)
  unauthorized,  // 401
  forbidden,     // 403
  not_found,     // 404
  conflict,      // 409
  too_large,     // 413
  invalid,       // 422 well-formed but not acceptable (blank text, bad name)
  rate_limited,  // 429
  unavailable,   // 503
  internal,      // 500
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;
};

// A value or the Error that stopped it. Boost's result rather than std::expected,
// which GCC 12 only has under C++23. A Result<T> is built implicitly from an Error
// (no T here is constructible from one), so a failure is passed on by returning
// the error: `if (!r) return r.error();`. error() returns a copy.
template <class T>
using Result = boost::system::result<T, Error>;

inline Error fail(ErrorKind kind, std::string message) {
  return Error{kind, std::move(message)};
}

// std::expected's value_or, which boost's result lacks.
template <class T, class U>
T value_or(Result<T> r, U&& fallback) {
  return r ? std::move(*r) : static_cast<T>(std::forward<U>(fallback));
}

// The HTTP status (also used as the WebSocket error code) for an error kind.
int status_of(ErrorKind kind) noexcept;

}  // namespace parley::chat
