#include "auth/sodium.hpp"

#include <sodium.h>

#include <stdexcept>

namespace parley::auth::detail {

void ensure_sodium() {
  // A function-local static is initialised exactly once even with concurrent callers.
  static const bool ok = sodium_init() >= 0;  // 1 means "already initialised": fine.
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace parley::auth::detail
