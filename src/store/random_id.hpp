#pragma once
// Random opaque ids for users and rooms: 22 characters of [A-Za-z0-9_-] (128 random
// bits, base64url without padding), so chat::is_valid_id accepts them and nobody can
// guess another room's id. Thread-safe.
#include <string>

namespace parley::store {

std::string random_id();

}  // namespace parley::store
