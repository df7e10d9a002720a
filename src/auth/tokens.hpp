#pragma once
// Random tokens and secrets, and the comparisons and digests used to handle them.
// Randomness comes from parley's one CSPRNG (csprng/csprng.hpp); every function here is
// thread-safe.
#include <cstddef>
#include <string>
#include <string_view>

namespace parley::auth {

// `bytes` random bytes as unpadded base64url (ceil(bytes * 4 / 3) characters): for
// session cookies, CSRF tokens, OAuth state. 32 bytes = 256 bits, unguessable.
std::string random_token(std::size_t bytes = 32);

// Lower-case hex SHA-256 of `data` (64 characters). Store this, not the token, when a
// token must be looked up later: a leaked table then reveals no usable tokens.
std::string sha256_hex(std::string_view data);

// True iff `a` and `b` are equal. The time taken depends on their lengths but not on
// their contents, so a secret cannot be guessed byte by byte from response times.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace parley::auth
