#include "store/random_id.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "chat/validate.hpp"

namespace parley::store {
namespace {

bool is_base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

TEST(RandomId, is_22_url_safe_characters_and_unique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = random_id();
    ASSERT_EQ(id.size(), 22u);
    for (char c : id) EXPECT_TRUE(is_base64url_char(c)) << c;
    EXPECT_TRUE(chat::is_valid_id(id)) << id;
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(RandomId, last_character_carries_two_bits_and_zero_padding) {
  // 128 bits fill 21 characters and two bits of the 22nd; base64url pads the rest
  // with zeros, so the last character is one of the four whose low bits are 0.
  std::set<char> last;
  for (int i = 0; i < 1000; ++i) last.insert(random_id().back());
  EXPECT_EQ(last, (std::set<char>{'A', 'Q', 'g', 'w'}));
}

}  // namespace
}  // namespace parley::store
