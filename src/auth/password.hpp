#pragma once
// Password hashing with argon2id (libsodium's crypto_pwhash_str_alg), stored in the
// self-describing PHC string format "$argon2id$v=19$m=...,t=...,p=1$salt$hash", so the
// parameters can be raised later without invalidating existing hashes.
//
// Promises: the encoded string never contains the password; verification takes the
// same time whether or not the password is right; passwords are never logged.
// Thread-safe. Each hash or verify costs PasswordParams::mem bytes of RAM and tens of
// milliseconds of one core: callers bound how many run at once (a login is not a
// message send) and keep them off I/O threads.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace parley::auth {

// Argon2id cost. The defaults are libsodium's INTERACTIVE limits (2 passes, 64 MiB):
// a chat login is interactive, so a user waits for it, and the server may face a
// burst of logins on restart; SENSITIVE (1 GiB, ~seconds) would make both
// unbearable, and the memory cost is what makes offline GPU guessing expensive.
// Tests use k_test_password_params, the minimum libsodium accepts, for speed.
struct PasswordParams {
  std::uint64_t ops = 2;                    // crypto_pwhash_OPSLIMIT_INTERACTIVE
  std::size_t mem = std::size_t{64} << 20;  // crypto_pwhash_MEMLIMIT_INTERACTIVE
};

// libsodium's minimum argon2id cost: for tests only, it protects nothing.
inline constexpr PasswordParams k_test_password_params{1, 8192};

// The encoded argon2id hash of `password`, with a fresh random salt.
// Throws std::runtime_error if hashing fails (only when memory runs out or `params`
// is outside libsodium's limits).
std::string hash_password(std::string_view password, PasswordParams params = {});

// True iff `encoded` is an argon2 hash (argon2id or argon2i) of `password`. A
// malformed or empty `encoded` is simply false.
bool verify_password(std::string_view password, std::string_view encoded);

// True if `encoded` was made with other parameters (or another algorithm) than
// `params`: the caller should re-hash the password after a successful login.
bool needs_rehash(std::string_view encoded, PasswordParams params = {});

// Spends the time of one verify_password at the default parameters, for a login
// whose user does not exist: otherwise a fast "no such user" answer would tell an
// attacker which usernames are registered.
void burn_verify_time();

}  // namespace parley::auth
