#pragma once
// The domain's error type: a kind that every transport maps to one status, and a
// message fit to show a user. The domain returns these; it never throws them.
#include <expected>
#include <string>

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

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string message) {
  return std::unexpected(Error{kind, std::move(message)});
}

// The HTTP status (also used as the WebSocket error code) for an error kind.
int status_of(ErrorKind kind) noexcept;

}  // namespace parley::chat
