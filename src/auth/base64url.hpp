#pragma once
// Base64url without padding (RFC 4648 §5), the encoding of JWT parts and of the random
// tokens this module hands out. Pure functions, any thread.
#include <optional>
#include <string>
#include <string_view>

namespace parley::auth {

std::string base64url_encode(std::string_view bytes);

// The decoded bytes, or nullopt unless `text` is entirely canonical unpadded
// base64url: '=' padding, whitespace, other alphabets and non-zero trailing bits are
// all rejected, so each byte string has exactly one accepted encoding.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace parley::auth
