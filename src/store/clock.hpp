#pragma once
// The store's notion of "now": wall-clock milliseconds since the Unix epoch, the
// unit of every created_at and expires_at it keeps.
#include <chrono>

#include "chat/types.hpp"

namespace parley::store {

inline chat::TimeMs now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace parley::store
