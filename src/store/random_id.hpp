#pragma once
// parley's random ids: 22 characters of [A-Za-z0-9_-] (128 random bits from the
// CSPRNG, base64url without padding), so chat::is_valid_id accepts them and nobody
// can guess another room's id. The store gives them to users and rooms; cut short,
// one makes a taken name unique. Thread-safe.
#include <string>

namespace parley::store {

std::string random_id();

}  // namespace parley::store
