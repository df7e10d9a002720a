#include "auth/tokens.hpp"

#include <gtest/gtest.h>

#include <set>

namespace parley::auth {
namespace {

bool is_base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

TEST(Tokens, random_token_has_expected_length_and_alphabet) {
  EXPECT_EQ(random_token().size(), 43u);  // 32 bytes -> ceil(256 / 6)
  EXPECT_EQ(random_token(16).size(), 22u);
  EXPECT_EQ(random_token(3).size(), 4u);
  EXPECT_EQ(random_token(0), "");
  for (char c : random_token(64)) EXPECT_TRUE(is_base64url_char(c)) << c;
}

TEST(Tokens, random_tokens_are_unique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(random_token()).second);
}

TEST(Tokens, sha256_matches_known_vectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Tokens, constant_time_equal_compares_content_and_length) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "Secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  using namespace std::string_literals;
  EXPECT_FALSE(constant_time_equal("a\0b"s, "a\0c"s));
}

}  // namespace
}  // namespace parley::auth
