#include "chat/direct_room.hpp"

namespace parley::chat {

std::string direct_room_key(const UserId& a, const UserId& b) {
  const UserId& lo = b < a ? b : a;
  const UserId& hi = b < a ? a : b;
  std::string key;
  key.reserve(3 + lo.size() + 1 + hi.size());
  key.append("dm:").append(lo).append(":").append(hi);
  return key;
}

bool is_self_pair(const UserId& a, const UserId& b) noexcept {
  return a == b;
}

}  // namespace parley::chat
