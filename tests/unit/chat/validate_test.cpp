#include "chat/validate.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace parley::chat {
namespace {

using namespace std::string_literals;

std::string bytes(std::initializer_list<int> bs) {
  std::string s;
  for (int b : bs) s.push_back(static_cast<char>(b));
  return s;
}

// An independent decoder: decode first, then judge the code point, the opposite of
// the implementation's byte-range approach, so the two do not share a mistake.
bool reference_valid(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned b = p[i];
    std::size_t len;
    char32_t cp;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2, cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, cp = b & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    constexpr char32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

ErrorKind kind_of(const Result<void>& r) {
  return r ? ErrorKind::internal : r.error().kind;
}

const Limits k_limits{};

// ---- UTF-8 -------------------------------------------------------------------

TEST(Utf8Test, accepts_empty_and_ascii_including_nul) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("hello, world"));
  EXPECT_TRUE(is_valid_utf8("\0\x7F"s));
}

TEST(Utf8Test, accepts_the_boundaries_of_each_sequence_length) {
  EXPECT_TRUE(is_valid_utf8(bytes({0xC2, 0x80})));              // U+0080
  EXPECT_TRUE(is_valid_utf8(bytes({0xDF, 0xBF})));              // U+07FF
  EXPECT_TRUE(is_valid_utf8(bytes({0xE0, 0xA0, 0x80})));        // U+0800
  EXPECT_TRUE(is_valid_utf8(bytes({0xED, 0x9F, 0xBF})));        // U+D7FF, last before surrogates
  EXPECT_TRUE(is_valid_utf8(bytes({0xEE, 0x80, 0x80})));        // U+E000, first after
  EXPECT_TRUE(is_valid_utf8(bytes({0xEF, 0xBF, 0xBF})));        // U+FFFF
  EXPECT_TRUE(is_valid_utf8(bytes({0xF0, 0x90, 0x80, 0x80})));  // U+10000
  EXPECT_TRUE(is_valid_utf8(bytes({0xF4, 0x8F, 0xBF, 0xBF})));  // U+10FFFF
}

TEST(Utf8Test, accepts_mixed_scripts_and_emoji) {
  EXPECT_TRUE(is_valid_utf8("héllo мир 你好 👋🏽 👨‍👩‍👧"));
}

TEST(Utf8Test, rejects_lone_continuation_bytes) {
  EXPECT_FALSE(is_valid_utf8(bytes({0x80})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xBF})));
  EXPECT_FALSE(is_valid_utf8(bytes({'a', 0x80, 'b'})));
}

TEST(Utf8Test, rejects_overlong_encodings) {
  EXPECT_FALSE(is_valid_utf8(bytes({0xC0, 0x80})));  // NUL in 2 bytes
  EXPECT_FALSE(is_valid_utf8(bytes({0xC0, 0xAF})));  // '/' in 2 bytes
  EXPECT_FALSE(is_valid_utf8(bytes({0xC1, 0xBF})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xE0, 0x80, 0x80})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xE0, 0x9F, 0xBF})));  // U+07FF in 3 bytes
  EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x80, 0x80, 0x80})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x8F, 0xBF, 0xBF})));  // U+FFFF in 4 bytes
}

TEST(Utf8Test, rejects_utf16_surrogates) {
  EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0x80})));  // U+D800
  EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xAF, 0xBF})));  // U+DBFF
  EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xB0, 0x80})));  // U+DC00
  EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xBF, 0xBF})));  // U+DFFF
  // A surrogate pair encoded as two 3-byte sequences (CESU-8) is not UTF-8 either.
  EXPECT_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80})));
}

TEST(Utf8Test, rejects_code_points_above_u10ffff) {
  EXPECT_FALSE(is_valid_utf8(bytes({0xF4, 0x90, 0x80, 0x80})));  // U+110000
  EXPECT_FALSE(is_valid_utf8(bytes({0xF5, 0x80, 0x80, 0x80})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xF7, 0xBF, 0xBF, 0xBF})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xF8, 0x88, 0x80, 0x80, 0x80})));  // old 5-byte form
  EXPECT_FALSE(is_valid_utf8(bytes({0xFE})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xFF})));
}

TEST(Utf8Test, rejects_truncated_sequences_at_the_end) {
  EXPECT_FALSE(is_valid_utf8(bytes({0xC3})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xE2, 0x82})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98})));
  EXPECT_FALSE(is_valid_utf8(bytes({0xF0})));
}

TEST(Utf8Test, rejects_truncated_sequences_followed_by_ascii) {
  EXPECT_FALSE(is_valid_utf8(bytes({0xC3}) + "a"));
  EXPECT_FALSE(is_valid_utf8(bytes({0xE2, 0x82}) + "abc"));
  EXPECT_FALSE(is_valid_utf8(bytes({0xF0, 0x9F, 0x98}) + "abcdefgh"));
  EXPECT_FALSE(is_valid_utf8(bytes({0xE2, 0x28, 0xA1})));
}

TEST(Utf8Test, finds_an_invalid_byte_at_every_offset_of_a_long_ascii_run) {
  // The fast path reads eight bytes at a time; a bad byte must be seen wherever it
  // falls relative to those words, including in the tail shorter than a word.
  for (std::size_t len = 1; len <= 40; ++len) {
    for (std::size_t at = 0; at < len; ++at) {
      std::string s(len, 'x');
      s[at] = static_cast<char>(0xFF);
      ASSERT_FALSE(is_valid_utf8(s)) << "len " << len << " at " << at;
      s[at] = static_cast<char>(0xC3);  // truncated when last, else followed by ASCII
      ASSERT_FALSE(is_valid_utf8(s)) << "len " << len << " at " << at;
    }
  }
}

TEST(Utf8Test, accepts_a_valid_sequence_at_every_offset_of_a_long_ascii_run) {
  const std::string euro = bytes({0xE2, 0x82, 0xAC});
  for (std::size_t before = 0; before <= 17; ++before) {
    const std::string s = std::string(before, 'x') + euro + std::string(9, 'y');
    ASSERT_TRUE(is_valid_utf8(s)) << before;
    ASSERT_FALSE(is_valid_utf8(s.substr(0, before + 2))) << before;
  }
}

TEST(Utf8Test, agrees_with_a_reference_decoder_on_every_two_byte_input) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::string s = bytes({a, b});
      ASSERT_EQ(is_valid_utf8(s), reference_valid(s)) << std::hex << a << " " << b;
    }
  }
}

TEST(Utf8Test, agrees_with_a_reference_decoder_on_every_three_byte_multibyte_lead) {
  for (int a = 0xC0; a < 0x100; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c = 0; c < 256; ++c) {
        const std::string s = bytes({a, b, c});
        ASSERT_EQ(is_valid_utf8(s), reference_valid(s)) << std::hex << a << " " << b << " " << c;
      }
    }
  }
}

TEST(Utf8Test, agrees_with_a_reference_decoder_on_four_byte_leads) {
  const int tails[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xF0, 0xFF};
  for (int a = 0xF0; a < 0x100; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c : tails) {
        for (int d : tails) {
          const std::string s = bytes({a, b, c, d});
          ASSERT_EQ(is_valid_utf8(s), reference_valid(s))
              << std::hex << a << " " << b << " " << c << " " << d;
        }
      }
    }
  }
}

// ---- ids ---------------------------------------------------------------------

TEST(IdTest, accepts_opaque_ids_up_to_64_characters) {
  EXPECT_TRUE(is_valid_id("a"));
  EXPECT_TRUE(is_valid_id("Room_42-x"));
  EXPECT_TRUE(is_valid_id(std::string(64, 'z')));
}

TEST(IdTest, rejects_empty_too_long_and_other_characters) {
  EXPECT_FALSE(is_valid_id(""));
  EXPECT_FALSE(is_valid_id(std::string(65, 'z')));
  for (std::string bad : {"a b"s, "a/b"s, "a.b"s, "a:b"s, "é"s, "a\0b"s, "../x"s, "%41"s}) {
    EXPECT_FALSE(is_valid_id(bad)) << bad;
  }
}

// ---- message text ------------------------------------------------------------

TEST(MessageTextTest, accepts_text_exactly_at_the_limit) {
  EXPECT_TRUE(check_message_text(std::string(4096, 'a'), k_limits));
}

TEST(MessageTextTest, rejects_text_one_byte_over_limit) {
  auto r = check_message_text(std::string(4097, 'a'), k_limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::too_large);
  EXPECT_EQ(status_of(r.error().kind), 413);
  EXPECT_NE(r.error().message.find("4096"), std::string::npos) << r.error().message;
}

TEST(MessageTextTest, counts_bytes_not_characters_at_the_limit) {
  const std::string e_acute = "é";  // 2 bytes
  EXPECT_TRUE(check_message_text(std::string(4094, 'a') + e_acute, k_limits));
  EXPECT_EQ(kind_of(check_message_text(std::string(4095, 'a') + e_acute, k_limits)),
            ErrorKind::too_large);
}

TEST(MessageTextTest, rejects_a_four_byte_character_straddling_the_limit_instead_of_cutting_it) {
  const std::string emoji = "😀";  // 4 bytes
  EXPECT_TRUE(check_message_text(std::string(4092, 'a') + emoji, k_limits));
  for (std::size_t pad = 4093; pad <= 4095; ++pad) {
    EXPECT_EQ(kind_of(check_message_text(std::string(pad, 'a') + emoji, k_limits)),
              ErrorKind::too_large)
        << pad;
  }
}

TEST(MessageTextTest, honours_a_configured_limit) {
  Limits small;
  small.max_msg_bytes = 5;
  EXPECT_TRUE(check_message_text("12345", small));
  auto r = check_message_text("123456", small);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::too_large);
  EXPECT_NE(r.error().message.find(" 5 bytes"), std::string::npos) << r.error().message;
}

TEST(MessageTextTest, rejects_invalid_utf8_as_bad_request) {
  auto r = check_message_text("hi "s + bytes({0xED, 0xA0, 0x80}), k_limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::bad_request);
  EXPECT_EQ(r.error().message, "text is not valid UTF-8");
}

TEST(MessageTextTest, reports_invalid_utf8_before_size) {
  const std::string s = std::string(5000, 'a') + bytes({0xFF});
  EXPECT_EQ(kind_of(check_message_text(s, k_limits)), ErrorKind::bad_request);
}

TEST(MessageTextTest, reports_size_before_blank) {
  EXPECT_EQ(kind_of(check_message_text(std::string(5000, ' '), k_limits)), ErrorKind::too_large);
}

TEST(MessageTextTest, rejects_blank_text_as_invalid) {
  for (std::string blank : {""s, " "s, "   "s, "\t\n\r\v\f"s, "\u00A0"s, "\u3000"s, "\u2003"s,
                            "\u200B"s, "\uFEFF"s, "\u3164"s, " \u200B\n\u2028 "s}) {
    auto r = check_message_text(blank, k_limits);
    ASSERT_FALSE(r) << testing::PrintToString(blank);
    EXPECT_EQ(r.error().kind, ErrorKind::invalid);
    EXPECT_EQ(status_of(r.error().kind), 422);
  }
}

TEST(MessageTextTest, accepts_text_with_surrounding_whitespace_and_stores_it_as_written) {
  for (std::string ok : {"a"s, " a "s, "\n.\n"s, "\u200Bx"s, "<b>hi</b>"s, "👍"s, "0"s}) {
    EXPECT_TRUE(check_message_text(ok, k_limits)) << testing::PrintToString(ok);
  }
}

// ---- usernames ---------------------------------------------------------------

TEST(UsernameTest, accepts_names_of_minimum_and_maximum_length) {
  EXPECT_TRUE(check_username("ab", k_limits));
  EXPECT_TRUE(check_username(std::string(32, 'a'), k_limits));
  EXPECT_TRUE(check_username("Jane.Doe_99-x", k_limits));
}

TEST(UsernameTest, rejects_names_one_short_or_one_over) {
  auto short_r = check_username("a", k_limits);
  ASSERT_FALSE(short_r);
  EXPECT_EQ(short_r.error().kind, ErrorKind::invalid);
  EXPECT_NE(short_r.error().message.find("at least 2"), std::string::npos);
  auto long_r = check_username(std::string(33, 'a'), k_limits);
  ASSERT_FALSE(long_r);
  EXPECT_EQ(long_r.error().kind, ErrorKind::invalid);
  EXPECT_NE(long_r.error().message.find("at most 32"), std::string::npos);
  EXPECT_EQ(kind_of(check_username("", k_limits)), ErrorKind::invalid);
}

TEST(UsernameTest, rejects_spaces_symbols_and_non_ascii) {
  for (std::string bad : {"jane doe"s, "jane@x"s, "jané"s, "a/b"s, "ab\0"s, "ab\n"s}) {
    EXPECT_EQ(kind_of(check_username(bad, k_limits)), ErrorKind::invalid) << bad;
  }
}

// ---- passwords ---------------------------------------------------------------

TEST(PasswordTest, accepts_lengths_at_both_limits) {
  EXPECT_TRUE(check_password("12345678", k_limits));
  EXPECT_TRUE(check_password(std::string(256, 'p'), k_limits));
  EXPECT_TRUE(check_password("pässwörd with spaces", k_limits));
}

TEST(PasswordTest, rejects_lengths_one_past_either_limit) {
  EXPECT_EQ(kind_of(check_password("1234567", k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_password(std::string(257, 'p'), k_limits)), ErrorKind::invalid);
}

TEST(PasswordTest, rejects_invalid_utf8_as_bad_request) {
  EXPECT_EQ(kind_of(check_password("12345678"s + bytes({0xC0, 0x80}), k_limits)),
            ErrorKind::bad_request);
}

// ---- display names -----------------------------------------------------------

TEST(DisplayNameTest, accepts_unicode_names_up_to_the_byte_limit) {
  EXPECT_TRUE(check_display_name("A", k_limits));
  EXPECT_TRUE(check_display_name("Zoë 🐱", k_limits));
  EXPECT_TRUE(check_display_name(std::string(48, 'n'), k_limits));
}

TEST(DisplayNameTest, rejects_empty_and_one_byte_over) {
  EXPECT_EQ(kind_of(check_display_name("", k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_display_name(std::string(49, 'n'), k_limits)), ErrorKind::invalid);
  // 47 ASCII bytes + a 2-byte character = 49 bytes.
  EXPECT_EQ(kind_of(check_display_name(std::string(47, 'n') + "é", k_limits)), ErrorKind::invalid);
}

TEST(DisplayNameTest, rejects_control_characters_and_bidi_overrides) {
  for (std::string bad : {"a\nb"s, "a\0b"s, "tab\there"s, "del\x7F"s, "c1\u0085"s,
                          "evil\u202Egnp.exe"s, "iso\u2066late"s, "line\u2028sep"s}) {
    EXPECT_EQ(kind_of(check_display_name(bad, k_limits)), ErrorKind::invalid)
        << testing::PrintToString(bad);
  }
}

TEST(DisplayNameTest, rejects_blank_names) {
  EXPECT_EQ(kind_of(check_display_name("   ", k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_display_name("\u3164", k_limits)), ErrorKind::invalid);
}

TEST(DisplayNameTest, rejects_invalid_utf8_as_bad_request) {
  EXPECT_EQ(kind_of(check_display_name(bytes({0xE2, 0x82}), k_limits)), ErrorKind::bad_request);
}

// ---- room names --------------------------------------------------------------

TEST(RoomNameTest, accepts_names_up_to_the_byte_limit) {
  EXPECT_TRUE(check_room_name("general", k_limits));
  EXPECT_TRUE(check_room_name("café & friends", k_limits));
  EXPECT_TRUE(check_room_name(std::string(80, 'r'), k_limits));
}

TEST(RoomNameTest, rejects_empty_blank_over_long_and_control_characters) {
  EXPECT_EQ(kind_of(check_room_name("", k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_room_name(" \t ", k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_room_name(std::string(81, 'r'), k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_room_name("two\nlines", k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_room_name("bell\a", k_limits)), ErrorKind::invalid);
}

TEST(RoomNameTest, names_the_limit_when_too_long) {
  auto r = check_room_name(std::string(81, 'r'), k_limits);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("80"), std::string::npos) << r.error().message;
}

// ---- client ids --------------------------------------------------------------

TEST(ClientIdTest, accepts_empty_and_printable_ascii_up_to_the_limit) {
  EXPECT_TRUE(check_client_id("", k_limits));
  EXPECT_TRUE(check_client_id("0f8fad5b-d9cb-469f-a165-70867728950e", k_limits));
  EXPECT_TRUE(check_client_id(std::string(64, '~'), k_limits));
}

TEST(ClientIdTest, rejects_one_over_the_limit_and_non_printable_bytes) {
  EXPECT_EQ(kind_of(check_client_id(std::string(65, 'c'), k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_client_id("a\nb", k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_client_id("a\x7F", k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_client_id("é", k_limits)), ErrorKind::invalid);
}

// ---- emoji -------------------------------------------------------------------

TEST(EmojiTest, accepts_single_and_joined_emoji) {
  EXPECT_TRUE(check_emoji("👍", k_limits));
  EXPECT_TRUE(check_emoji("👍🏽", k_limits));            // skin tone modifier
  EXPECT_TRUE(check_emoji("❤️", k_limits));              // variation selector
  EXPECT_TRUE(check_emoji("👨‍👩‍👧", k_limits));  // zero-width joiners
  EXPECT_TRUE(check_emoji(":+1:", k_limits));
}

TEST(EmojiTest, rejects_empty_over_long_blank_and_whitespace) {
  EXPECT_EQ(kind_of(check_emoji("", k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_emoji(std::string(33, 'x'), k_limits)), ErrorKind::invalid);
  EXPECT_TRUE(check_emoji(std::string(32, 'x'), k_limits));
  EXPECT_EQ(kind_of(check_emoji("👍 ", k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_emoji("\u200D", k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_emoji("a\tb", k_limits)), ErrorKind::invalid);
  EXPECT_EQ(kind_of(check_emoji("\u00A0", k_limits)), ErrorKind::invalid);
}

TEST(EmojiTest, rejects_invalid_utf8_as_bad_request) {
  EXPECT_EQ(kind_of(check_emoji(bytes({0xF0, 0x9F, 0x91}), k_limits)), ErrorKind::bad_request);
}

}  // namespace
}  // namespace parley::chat
