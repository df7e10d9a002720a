#include "store/random_id.hpp"

#include <array>
#include <cstdint>

#include "csprng/csprng.hpp"

namespace parley::store {

namespace {

constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

std::string random_id() {
  std::array<std::uint8_t, 16> bytes{};
  csprng::fill(bytes);
  std::string id;
  id.reserve(22);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const std::uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      id.push_back(k_alphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) id.push_back(k_alphabet[(acc << (6 - bits)) & 0x3f]);
  return id;
}

}  // namespace parley::store
