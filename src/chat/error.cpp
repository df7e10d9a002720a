#include "chat/error.hpp"

namespace parley::chat {

int status_of(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::bad_request:
      return 400;
    case ErrorKind::unauthorized:
      return 401;
    case ErrorKind::forbidden:
      return 403;
    case ErrorKind::not_found:
      return 404;
    case ErrorKind::conflict:
      return 409;
    case ErrorKind::too_large:
      return 413;
    case ErrorKind::invalid:
      return 422;
    case ErrorKind::rate_limited:
      return 429;
    case ErrorKind::unavailable:
      return 503;
    case ErrorKind::internal:
      return 500;
  }
  // Only reachable through a value cast from outside the enum; treat it as our bug.
  return 500;
}

}  // namespace parley::chat
