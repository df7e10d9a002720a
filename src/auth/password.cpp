#include "auth/password.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "auth/sodium.hpp"
#include "csprng/csprng.hpp"

namespace parley::auth {

static_assert(PasswordParams{}.ops == crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
static_assert(PasswordParams{}.mem == crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
static_assert(k_test_password_params.ops == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(k_test_password_params.mem == crypto_pwhash_argon2id_MEMLIMIT_MIN);

namespace {

// crypto_pwhash_str* read NUL-terminated strings: copy into a buffer that has room
// for the terminator, or say the input cannot be a hash.
bool to_c_hash(std::string_view encoded, std::array<char, crypto_pwhash_STRBYTES>& out) {
  if (encoded.empty() || encoded.size() >= out.size()) return false;
  if (encoded.find('\0') != std::string_view::npos) return false;
  out.fill('\0');
  encoded.copy(out.data(), encoded.size());
  return true;
}

}  // namespace

std::string hash_password(std::string_view password, PasswordParams params) {
  detail::ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), params.ops, params.mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing failed (out of memory or bad parameters)");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view password, std::string_view encoded) {
  detail::ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> hash{};
  if (!to_c_hash(encoded, hash)) return false;
  return crypto_pwhash_str_verify(hash.data(), password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view encoded, PasswordParams params) {
  detail::ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> hash{};
  if (!to_c_hash(encoded, hash)) return true;
  // Non-zero means "different parameters" (1) or "not an argon2id hash at all" (-1).
  return crypto_pwhash_argon2id_str_needs_rehash(hash.data(), params.ops, params.mem) != 0;
}

void burn_verify_time() {
  // Hashed once, at first use, with a random password nobody can know; the verify
  // below then does the same work as a real one and always fails.
  static const std::string dummy = [] {
    std::array<unsigned char, 32> secret{};
    csprng::fill(secret);
    return hash_password(
        std::string_view(reinterpret_cast<const char*>(secret.data()), secret.size()));
  }();
  (void)verify_password("parley-unknown-user", dummy);
}

}  // namespace parley::auth
