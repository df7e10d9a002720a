#include "auth/password.hpp"

#include <gtest/gtest.h>

namespace parley::auth {
namespace {

constexpr PasswordParams k_fast = k_test_password_params;

TEST(Password, hash_is_argon2id_and_verifies) {
  const std::string hash = hash_password("correct horse", k_fast);
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_EQ(hash.find("correct horse"), std::string::npos);
  EXPECT_TRUE(verify_password("correct horse", hash));
}

TEST(Password, wrong_password_fails) {
  const std::string hash = hash_password("correct horse", k_fast);
  EXPECT_FALSE(verify_password("correct horse ", hash));
  EXPECT_FALSE(verify_password("Correct horse", hash));
  EXPECT_FALSE(verify_password("", hash));
}

TEST(Password, same_password_gets_a_fresh_salt) {
  EXPECT_NE(hash_password("pw", k_fast), hash_password("pw", k_fast));
}

TEST(Password, garbage_encoded_hash_fails_without_crashing) {
  EXPECT_FALSE(verify_password("pw", ""));
  EXPECT_FALSE(verify_password("pw", "not a hash"));
  EXPECT_FALSE(verify_password("pw", "$argon2id$v=19$m=8,t=1,p=1$AAAA$BBBB"));
  EXPECT_FALSE(verify_password("pw", std::string(1000, '$')));
  std::string with_nul = hash_password("pw", k_fast);
  with_nul.push_back('\0');
  EXPECT_FALSE(verify_password("pw", with_nul));
}

TEST(Password, handles_unicode_and_embedded_nul) {
  using namespace std::string_literals;
  const std::string pw = "p\xC3\xA4ss\0word"s;
  const std::string hash = hash_password(pw, k_fast);
  EXPECT_TRUE(verify_password(pw, hash));
  EXPECT_FALSE(verify_password("p\xC3\xA4ss", hash));  // truncated at the NUL
}

TEST(Password, needs_rehash_when_params_differ) {
  const std::string hash = hash_password("pw", k_fast);
  EXPECT_FALSE(needs_rehash(hash, k_fast));
  EXPECT_TRUE(needs_rehash(hash));  // default (interactive) params
  EXPECT_TRUE(needs_rehash("garbage"));
}

TEST(Password, default_params_are_interactive) {
  const PasswordParams params;
  EXPECT_EQ(params.ops, 2u);
  EXPECT_EQ(params.mem, std::size_t{64} << 20);
}

TEST(Password, burn_verify_time_runs) {
  burn_verify_time();
  burn_verify_time();
}

}  // namespace
}  // namespace parley::auth
