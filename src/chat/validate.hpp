#pragma once
// Input validation shared by every transport. Each check returns the error a user
// should see; none of them changes its input (text is stored as written).
// Bytes that are not valid UTF-8 are a malformed request (400, API.md) in every
// check that accepts UTF-8; the numbers below name the status of the other failures.
// "Blank" means only whitespace or invisible characters (zero-width spaces, fillers).
#include <string_view>

#include "chat/error.hpp"
#include "chat/limits.hpp"

namespace parley::chat {

// True if s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s) noexcept;

// Opaque ids of users and rooms: [A-Za-z0-9_-]{1,64}.
bool is_valid_id(std::string_view s) noexcept;

// Message text: valid UTF-8 (400), at most max_msg_bytes (413), not blank (422),
// checked in that order.
Result<void> check_message_text(std::string_view text, const Limits& limits);
// Login names: [A-Za-z0-9_.-], min..max_username (422).
Result<void> check_username(std::string_view name, const Limits& limits);
// Passwords: min..max_password bytes of valid UTF-8 (422).
Result<void> check_password(std::string_view password, const Limits& limits);
// Guest display names: 1..max_display_name bytes, no control chars (C0, C1, line
// separators, bidi overrides), not blank (422).
Result<void> check_display_name(std::string_view name, const Limits& limits);
// Room names: 1..max_room_name_bytes, no control characters (as above), not blank (422).
Result<void> check_room_name(std::string_view name, const Limits& limits);
// client_id: empty or 1..max_client_id printable ASCII (422).
Result<void> check_client_id(std::string_view client_id, const Limits& limits);
// Reaction emoji: 1..max_emoji_bytes of valid UTF-8, no whitespace/control (422).
Result<void> check_emoji(std::string_view emoji, const Limits& limits);

}  // namespace parley::chat
