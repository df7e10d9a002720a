#pragma once
// parley's one cryptographically secure random number generator, for everything
// an attacker must not guess: ids, tokens, salts, generated keys. It is libsodium's
// randombytes_buf (the kernel's getrandom() underneath); nothing else in parley
// draws random bytes for secrets.
//
// Promises: every byte asked for is written, from a generator seeded by the
// kernel; libsodium is initialised on first use, once per process. Throws
// std::runtime_error when libsodium cannot initialise (no entropy source): nothing
// that needs secrets can run then. Thread-safe.
#include <cstddef>
#include <span>
#include <string>

namespace parley::csprng {

// Fills out with random bytes.
void fill(std::span<unsigned char> out);

// n random bytes.
std::string bytes(std::size_t n);

}  // namespace parley::csprng
