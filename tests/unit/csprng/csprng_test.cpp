#include "csprng/csprng.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace parley::csprng {
namespace {

TEST(Csprng, fill_writes_every_byte) {
  // Two buffers preset to different patterns: a byte fill() skipped keeps its
  // pattern, and the same position of both buffers could then only match by chance
  // in both draws at once. 4096 positions make a skip certain to show.
  std::vector<unsigned char> zeros(4096, 0x00), ones(4096, 0xff);
  fill(zeros);
  fill(ones);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < zeros.size(); ++i) kept += zeros[i] == 0x00 && ones[i] == 0xff;
  // By chance each position keeps both patterns with probability 1/65536.
  EXPECT_LE(kept, 2u);
}

TEST(Csprng, bytes_are_spread_over_every_value) {
  // 64 KiB: each of the 256 values is expected 256 times (standard deviation 16);
  // a missing value or one drawn twice as often is beyond any chance.
  const std::string b = bytes(1 << 16);
  ASSERT_EQ(b.size(), std::size_t{1} << 16);
  std::array<int, 256> count{};
  for (char c : b) ++count[static_cast<unsigned char>(c)];
  EXPECT_GT(*std::ranges::min_element(count), 128);
  EXPECT_LT(*std::ranges::max_element(count), 512);
}

TEST(Csprng, draws_do_not_repeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(bytes(16)).second);
}

TEST(Csprng, empty_requests_are_fine) {
  EXPECT_EQ(bytes(0), "");
  fill({});
}

TEST(Csprng, threads_draw_at_once_and_apart) {
  std::vector<std::string> drawn(8);
  std::vector<std::thread> threads;
  for (auto& d : drawn) threads.emplace_back([&d] { d = bytes(32); });
  for (auto& t : threads) t.join();
  const std::set<std::string> distinct(drawn.begin(), drawn.end());
  EXPECT_EQ(distinct.size(), drawn.size());
  for (const auto& d : drawn) EXPECT_EQ(d.size(), 32u);
}

}  // namespace
}  // namespace parley::csprng
