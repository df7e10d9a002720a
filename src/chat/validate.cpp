#include "chat/validate.hpp"

#include <cstdint>
#include <cstring>
#include <string>

namespace parley::chat {

namespace {

using Byte = unsigned char;

constexpr bool is_cont(Byte b) noexcept {
  return (b & 0xC0) == 0x80;
}

// Decodes the code point at s[i] and advances i past it. Only called on text that
// is_valid_utf8 has accepted, so it does not re-check continuation bytes.
char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  const auto* p = reinterpret_cast<const Byte*>(s.data()) + i;
  if (p[0] < 0x80) {
    i += 1;
    return p[0];
  }
  if (p[0] < 0xE0) {
    i += 2;
    return (char32_t{p[0] & 0x1Fu} << 6) | (p[1] & 0x3Fu);
  }
  if (p[0] < 0xF0) {
    i += 3;
    return (char32_t{p[0] & 0x0Fu} << 12) | (char32_t{p[1] & 0x3Fu} << 6) | (p[2] & 0x3Fu);
  }
  i += 4;
  return (char32_t{p[0] & 0x07u} << 18) | (char32_t{p[1] & 0x3Fu} << 12) |
         (char32_t{p[2] & 0x3Fu} << 6) | (p[3] & 0x3Fu);
}

// Characters that draw nothing. Unicode's White_Space set, plus the zero-width and
// filler characters people use to post "empty" messages and names that slip past a
// plain whitespace check.
constexpr bool is_blank_char(char32_t c) noexcept {
  const bool ascii_space = c == 0x20 || (c >= 0x09 && c <= 0x0D);
  const bool unicode_space = c == 0x85 || c == 0xA0 || c == 0x1680 ||
                             (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
                             c == 0x202F || c == 0x205F || c == 0x3000;
  const bool zero_width = c == 0x180E || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF;
  const bool hangul_filler = c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0;
  return ascii_space || unicode_space || zero_width || hangul_filler;
}

// C0, DEL and C1 controls, line/paragraph separators, and the bidirectional
// embedding/override/isolate controls: in a name shown beside other people's text
// they break lines or reorder what follows, which is how names are spoofed.
constexpr bool is_control_char(char32_t c) noexcept {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// Requires valid UTF-8.
bool is_blank(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    if (!is_blank_char(next_code_point(s, i))) return false;
  }
  return true;
}

// Requires valid UTF-8.
bool has_control(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    if (is_control_char(next_code_point(s, i))) return true;
  }
  return false;
}

Result<void> require_utf8(std::string_view s, std::string_view what) {
  if (is_valid_utf8(s)) return {};
  return fail(ErrorKind::bad_request, std::string(what) + " is not valid UTF-8");
}

// Names only the bound the user crossed, and says "must not be empty" rather than
// "at least 1 bytes" for the case a user actually hits.
Result<void> require_length(std::string_view s, std::string_view what, std::size_t min,
                            std::size_t max, std::string_view unit) {
  if (s.size() >= min && s.size() <= max) return {};
  std::string msg(what);
  if (s.empty() && min <= 1) {
    msg += " must not be empty";
  } else if (s.size() < min) {
    msg += " must be at least " + std::to_string(min) + " " + std::string(unit) + " long";
  } else {
    msg += " must be at most " + std::to_string(max) + " " + std::string(unit) + " long";
  }
  return fail(ErrorKind::invalid, std::move(msg));
}

}  // namespace

bool is_valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const Byte*>(s.data());
  const auto* const end = p + s.size();
  while (p != end) {
    // Most chat text is ASCII: test eight bytes per step for any high bit.
    while (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if (word & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p == end) break;
    const Byte b0 = *p;
    if (b0 < 0x80) {
      ++p;
      continue;
    }
    // The ranges of the second byte follow Unicode's Table 3-7 (well-formed byte
    // sequences): they exclude overlongs (E0 80..9F, F0 80..8F), surrogates
    // (ED A0..BF) and code points above U+10FFFF (F4 90..BF).
    std::size_t len;
    Byte lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return false;  // stray continuation, C0/C1 overlong lead, or F5..FF
    }
    if (static_cast<std::size_t>(end - p) < len) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if (!is_cont(p[k])) return false;
    }
    p += len;
  }
  return true;
}

bool is_valid_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<void> check_message_text(std::string_view text, const Limits& limits) {
  // Order matters to the client: bytes that are not text at all are a malformed
  // request (400) whatever their length; size is checked before the blank scan so
  // an oversize body is refused without walking it twice.
  if (auto r = require_utf8(text, "text"); !r) return r;
  if (text.size() > limits.max_msg_bytes) {
    return fail(ErrorKind::too_large, "message is too long: " + std::to_string(text.size()) +
                                          " bytes, the limit is " +
                                          std::to_string(limits.max_msg_bytes) + " bytes");
  }
  if (is_blank(text)) return fail(ErrorKind::invalid, "message must not be blank");
  return {};
}

Result<void> check_username(std::string_view name, const Limits& limits) {
  if (auto r =
          require_length(name, "username", limits.min_username, limits.max_username, "characters");
      !r) {
    return r;
  }
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) {
      return fail(ErrorKind::invalid,
                  "username may contain only letters, digits, '_', '.' and '-'");
    }
  }
  return {};
}

Result<void> check_password(std::string_view password, const Limits& limits) {
  if (auto r = require_utf8(password, "password"); !r) return r;
  // Bytes, not characters: the limit protects the hash function's input size.
  if (password.size() < limits.min_password) {
    return fail(ErrorKind::invalid, "password must be at least " +
                                        std::to_string(limits.min_password) + " characters long");
  }
  if (password.size() > limits.max_password) {
    return fail(ErrorKind::invalid,
                "password must be at most " + std::to_string(limits.max_password) + " bytes long");
  }
  return {};
}

Result<void> check_display_name(std::string_view name, const Limits& limits) {
  if (auto r = require_utf8(name, "name"); !r) return r;
  if (auto r = require_length(name, "name", 1, limits.max_display_name, "bytes"); !r) return r;
  if (has_control(name))
    return fail(ErrorKind::invalid, "name must not contain control characters");
  if (is_blank(name)) return fail(ErrorKind::invalid, "name must not be blank");
  return {};
}

Result<void> check_room_name(std::string_view name, const Limits& limits) {
  if (auto r = require_utf8(name, "room name"); !r) return r;
  if (auto r = require_length(name, "room name", 1, limits.max_room_name_bytes, "bytes"); !r) {
    return r;
  }
  if (has_control(name)) {
    return fail(ErrorKind::invalid, "room name must not contain control characters");
  }
  if (is_blank(name)) return fail(ErrorKind::invalid, "room name must not be blank");
  return {};
}

Result<void> check_client_id(std::string_view client_id, const Limits& limits) {
  // Empty means "no idempotency key", which is allowed.
  if (client_id.empty()) return {};
  if (client_id.size() > limits.max_client_id) {
    return fail(ErrorKind::invalid, "client_id must be at most " +
                                        std::to_string(limits.max_client_id) + " characters long");
  }
  for (char c : client_id) {
    if (c < 0x20 || c > 0x7E) {
      return fail(ErrorKind::invalid, "client_id may contain only printable ASCII characters");
    }
  }
  return {};
}

Result<void> check_emoji(std::string_view emoji, const Limits& limits) {
  if (auto r = require_utf8(emoji, "emoji"); !r) return r;
  if (auto r = require_length(emoji, "emoji", 1, limits.max_emoji_bytes, "bytes"); !r) return r;
  for (std::size_t i = 0; i < emoji.size();) {
    const char32_t c = next_code_point(emoji, i);
    if (is_control_char(c) || is_blank_char(c)) {
      // Zero-width joiner glues multi-person and family emoji together; it is part
      // of the emoji, not padding around it.
      if (c == 0x200D) continue;
      return fail(ErrorKind::invalid, "emoji must not contain spaces or control characters");
    }
  }
  if (is_blank(emoji)) return fail(ErrorKind::invalid, "emoji must not be blank");
  return {};
}

}  // namespace parley::chat
