#include "csprng/csprng.hpp"

#include <sodium.h>

#include <stdexcept>

namespace parley::csprng {
namespace {

void ensure_sodium() {
  // A function-local static is initialised exactly once even with concurrent callers.
  static const bool ok = sodium_init() >= 0;  // 1 means "already initialised": fine.
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

void fill(std::span<unsigned char> out) {
  // An empty span may have a null data(), which randombytes_buf declares it never gets.
  if (out.empty()) return;
  ensure_sodium();
  randombytes_buf(out.data(), out.size());
}

std::string bytes(std::size_t n) {
  std::string out(n, '\0');
  fill({reinterpret_cast<unsigned char*>(out.data()), out.size()});
  return out;
}

}  // namespace parley::csprng
