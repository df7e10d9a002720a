#include "app/secrets.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

#include "chat/hex.hpp"
#include "csprng/csprng.hpp"

namespace parley::app {
namespace {

// 32 bytes from the CSPRNG, hex-encoded: as strong as a secret an operator would
// generate with `openssl rand -hex 32`.
std::string random_secret() {
  unsigned char bytes[32];
  csprng::fill(bytes);
  return chat::to_hex(bytes);
}

// Shorter keys make HMAC-signed tokens and cookies guessable offline.
constexpr std::size_t k_min_secret_bytes = 32;

void settle_secret(std::string& secret, bool& generated, std::string_view name,
                   std::string_view consequence, std::vector<std::string>& warnings) {
  if (secret.empty()) {
    secret = random_secret();
    generated = true;
    warnings.push_back(std::string(name) + " is not set: using a random one, so " +
                       std::string(consequence) + " will not survive a restart");
  } else if (secret.size() < k_min_secret_bytes) {
    warnings.push_back(std::string(name) + " is shorter than " +
                       std::to_string(k_min_secret_bytes) +
                       " bytes; use a long random value (openssl rand -hex 32)");
  }
}

}  // namespace

void settle_secrets(Config& c) {
  settle_secret(c.session_secret, c.session_secret_generated, "SESSION_SECRET", "sessions",
                c.warnings);
  settle_secret(c.jwt_secret, c.jwt_secret_generated, "JWT_SECRET", "API tokens", c.warnings);
}

std::string show_secret(const std::string& value, bool generated) {
  if (generated) return "<generated>";
  return value.empty() ? "<empty>" : "<set>";
}

}  // namespace parley::app
