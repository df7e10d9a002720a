#include "auth/base64url.hpp"

#include <sodium.h>

#include "auth/sodium.hpp"

namespace parley::auth {

namespace {
constexpr int k_variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
}

std::string base64url_encode(std::string_view bytes) {
  detail::ensure_sodium();
  // sodium_base64_ENCODED_LEN counts the terminating NUL that sodium writes.
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), k_variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), k_variant);
  out.resize(out.size() - 1);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  detail::ensure_sodium();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  // No ignored characters and a null end pointer: sodium then fails unless it consumed
  // all of `text`. It also rejects leftover bits that are not zero.
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr, k_variant) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

}  // namespace parley::auth
