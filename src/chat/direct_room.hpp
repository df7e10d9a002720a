#pragma once
// The identity of the one direct room two users share. The key depends only on
// the unordered pair, so whichever of the two opens the conversation finds the
// same room, and a unique index on the key lets the store create it exactly once.
#include <string>

#include "chat/types.hpp"

namespace parley::chat {

// "dm:<smaller id>:<larger id>" (byte-wise order); the same for (a, b) and (b, a).
// Unambiguous for valid ids (is_valid_id), which never contain ':'. The key is a
// lookup key, not a room id: at up to 132 bytes it is longer than an id may be.
std::string direct_room_key(const UserId& a, const UserId& b);

// True when both sides are the same user (a conversation with oneself); the
// caller decides whether that is allowed.
bool is_self_pair(const UserId& a, const UserId& b) noexcept;

}  // namespace parley::chat
