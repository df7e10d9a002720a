#include "auth/password.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <chrono>

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

// CPU time of the calling thread. Unlike wall time it does not grow while other
// processes hold the cores, so two costs measured on a busy machine compare.
std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

template <class F>
std::chrono::nanoseconds cpu_time_of(F&& f) {
  const auto start = thread_cpu_time();
  f();
  return thread_cpu_time() - start;
}

TEST(Password, burn_verify_time_costs_as_much_as_verifying_a_real_hash) {
  // A real user's hash at the default parameters, which is what a login checks.
  const std::string hash = hash_password("correct horse");
  burn_verify_time();  // the first call also makes its own hash, once
  // The cheapest of three runs of each, interleaved: a run can only be slowed down
  // by the machine, never sped up.
  auto real = std::chrono::nanoseconds::max();
  auto burnt = std::chrono::nanoseconds::max();
  for (int i = 0; i < 3; ++i) {
    real = std::min(real, cpu_time_of([&] { EXPECT_FALSE(verify_password("wrong horse", hash)); }));
    burnt = std::min(burnt, cpu_time_of([] { burn_verify_time(); }));
  }
  // Both are one argon2id verify at 64 MiB; a burn that skipped the work, or used
  // cheaper parameters, would be orders of magnitude faster.
  EXPECT_GT(burnt, real / 2) << "burn " << burnt.count() << " ns, verify " << real.count() << " ns";
  EXPECT_LT(burnt, real * 3 / 2) << "burn " << burnt.count() << " ns, verify " << real.count()
                                 << " ns";
}

}  // namespace
}  // namespace parley::auth
