#include "chat/hex.hpp"

namespace parley::chat {

std::string to_hex(std::span<const unsigned char> bytes) {
  constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (const unsigned char b : bytes) {
    out += k_digits[b >> 4];
    out += k_digits[b & 0xf];
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  return to_hex({reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()});
}

}  // namespace parley::chat
