#include "chat/hex.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace parley::chat {
namespace {

using namespace std::string_literals;

TEST(Hex, writes_two_lower_case_digits_a_byte_high_nibble_first) {
  EXPECT_EQ(to_hex(""), "");
  EXPECT_EQ(to_hex("abc"), "616263");
  EXPECT_EQ(to_hex("\x00\x01\x0f\x10\x7f\x80\xab\xff"s), "00010f107f80abff");
  const std::array<unsigned char, 4> bytes{0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(to_hex(bytes), "deadbeef");
}

TEST(Hex, covers_every_byte_value) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  const std::string hex = to_hex(all);
  ASSERT_EQ(hex.size(), 512u);
  for (int b = 0; b < 256; ++b) {
    const auto digit = [](int n) { return static_cast<char>(n < 10 ? '0' + n : 'a' + n - 10); };
    EXPECT_EQ(hex[2 * b], digit(b >> 4)) << b;
    EXPECT_EQ(hex[2 * b + 1], digit(b & 0xf)) << b;
  }
}

}  // namespace
}  // namespace parley::chat
