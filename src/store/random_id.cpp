#include "store/random_id.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace parley::store {

namespace {

constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// getrandom() draws from the kernel's CSPRNG without an open file descriptor;
// 16 bytes never return short once the pool is initialised, but EINTR can happen.
void fill_random(std::uint8_t* out, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::getrandom(out + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed");
    }
    got += static_cast<std::size_t>(r);
  }
}

}  // namespace

std::string random_id() {
  std::array<std::uint8_t, 16> bytes{};
  fill_random(bytes.data(), bytes.size());
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
