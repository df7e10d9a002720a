#include "chat/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace parley::chat {
namespace {

// Takes n tokens at one instant; returns how many were granted.
int drain(RateLimiter& rl, const std::string& key, std::int64_t now_ms, int n) {
  int granted = 0;
  for (int i = 0; i < n; ++i) granted += rl.allow(key, now_ms) ? 1 : 0;
  return granted;
}

TEST(RateLimiterTest, new_key_starts_with_a_full_burst) {
  RateLimiter rl(10, 20);
  EXPECT_EQ(drain(rl, "u", 1000, 20), 20);
  EXPECT_FALSE(rl.allow("u", 1000));
}

TEST(RateLimiterTest, refills_at_the_configured_rate) {
  RateLimiter rl(10, 20);  // one token per 100 ms
  drain(rl, "u", 0, 20);
  EXPECT_FALSE(rl.allow("u", 99));
  EXPECT_TRUE(rl.allow("u", 100));
  EXPECT_FALSE(rl.allow("u", 100));
  EXPECT_EQ(drain(rl, "u", 600, 10), 5);
}

TEST(RateLimiterTest, refill_never_exceeds_burst) {
  RateLimiter rl(10, 20);
  drain(rl, "u", 0, 20);
  EXPECT_EQ(drain(rl, "u", 1'000'000, 25), 20);
}

TEST(RateLimiterTest, sustained_sending_at_exactly_the_rate_is_never_refused) {
  // 3 per second does not divide 1000 ms evenly, and many small refills accumulate
  // rounding error; a client pacing itself exactly must still get through.
  // Burst 2 keeps the cap out of the way (tokens are taken as soon as one is whole).
  RateLimiter rl(3, 2);
  ASSERT_EQ(drain(rl, "u", 0, 2), 2);
  std::int64_t now = 0;
  for (int i = 1; i <= 300; ++i) {
    // Poll every 1 ms until the next token, as a tight client would.
    const std::int64_t due = (i * 1000 + 2) / 3;
    for (; now < due; ++now) ASSERT_FALSE(rl.allow("u", now)) << "at " << now;
    ASSERT_TRUE(rl.allow("u", now)) << "token " << i << " at " << now;
  }
}

TEST(RateLimiterTest, frequent_polling_does_not_lose_a_token_to_rounding) {
  // Ten refills of 0.1 sum to 0.9999999999999999 in binary floating point.
  RateLimiter rl(10, 2);
  ASSERT_EQ(drain(rl, "u", 0, 2), 2);
  for (std::int64_t t = 10; t < 100; t += 10) ASSERT_FALSE(rl.allow("u", t)) << t;
  EXPECT_TRUE(rl.allow("u", 100));
}

TEST(RateLimiterTest, keys_are_independent) {
  RateLimiter rl(1, 2);
  EXPECT_EQ(drain(rl, "alice", 0, 3), 2);
  EXPECT_EQ(drain(rl, "bob", 0, 3), 2);
  EXPECT_EQ(rl.size(), 2u);
}

TEST(RateLimiterTest, clock_stepping_back_neither_refills_nor_drains) {
  RateLimiter rl(10, 2);
  EXPECT_EQ(drain(rl, "u", 10'000, 2), 2);
  EXPECT_FALSE(rl.allow("u", 5'000));
  // The earlier timestamp did not rewind the bucket's clock: 100 ms after 10'000 refills one.
  EXPECT_FALSE(rl.allow("u", 10'099));
  EXPECT_TRUE(rl.allow("u", 10'100));
}

TEST(RateLimiterTest, zero_rate_allows_only_the_burst) {
  RateLimiter rl(0, 3);
  EXPECT_EQ(drain(rl, "u", 0, 5), 3);
  EXPECT_FALSE(rl.allow("u", 1'000'000'000));
}

TEST(RateLimiterTest, sweep_drops_buckets_that_have_refilled) {
  RateLimiter rl(10, 20);
  drain(rl, "busy", 0, 20);
  drain(rl, "light", 0, 1);
  ASSERT_EQ(rl.size(), 2u);
  rl.sweep(99);  // light is 1 token short until 100 ms
  EXPECT_EQ(rl.size(), 2u);
  rl.sweep(100);
  EXPECT_EQ(rl.size(), 1u);
  rl.sweep(1999);
  EXPECT_EQ(rl.size(), 1u);
  rl.sweep(2000);
  EXPECT_EQ(rl.size(), 0u);
}

TEST(RateLimiterTest, sweep_keeps_buckets_that_are_still_limited) {
  RateLimiter rl(1, 5);
  drain(rl, "u", 0, 5);
  rl.sweep(1000);
  EXPECT_EQ(rl.size(), 1u);
  // Sweeping must not have reset the bucket: only one token came back.
  EXPECT_EQ(drain(rl, "u", 1000, 5), 1);
}

TEST(RateLimiterTest, swept_key_starts_full_again) {
  RateLimiter rl(10, 3);
  drain(rl, "u", 0, 3);
  rl.sweep(300);
  ASSERT_EQ(rl.size(), 0u);
  EXPECT_EQ(drain(rl, "u", 300, 4), 3);
}

}  // namespace
}  // namespace parley::chat
