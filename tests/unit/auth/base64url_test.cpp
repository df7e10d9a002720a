#include "auth/base64url.hpp"

#include <gtest/gtest.h>

namespace parley::auth {
namespace {

TEST(Base64url, encodes_rfc4648_vectors_without_padding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");  // URL-safe alphabet, not "+/".
}

TEST(Base64url, round_trips_binary) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(base64url_decode(base64url_encode(all)), all);
  EXPECT_EQ(base64url_decode(""), std::string());
}

TEST(Base64url, rejects_non_canonical_input) {
  EXPECT_FALSE(base64url_decode("Zg=="));  // padding
  EXPECT_FALSE(base64url_decode("+/8"));   // standard alphabet
  EXPECT_FALSE(base64url_decode("Zm 8"));  // whitespace
  EXPECT_FALSE(base64url_decode("Z"));     // impossible length
  EXPECT_FALSE(base64url_decode("Zh"));    // non-zero trailing bits
  EXPECT_FALSE(base64url_decode("Zm9v!"));
}

}  // namespace
}  // namespace parley::auth
