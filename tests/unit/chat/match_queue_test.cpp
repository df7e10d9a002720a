#include "chat/match_queue.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace parley::chat {
namespace {

TEST(MatchQueue, first_user_waits_and_second_is_paired_with_it) {
  MatchQueue q;
  EXPECT_FALSE(q.join("a"));
  auto pair = q.join("b");
  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->first, "a");
  EXPECT_EQ(pair->second, "b");
  EXPECT_EQ(q.size(), 0u);
  EXPECT_FALSE(q.waiting("a"));
  EXPECT_FALSE(q.waiting("b"));
}

TEST(MatchQueue, joining_again_while_waiting_changes_nothing) {
  MatchQueue q;
  EXPECT_FALSE(q.join("a"));
  EXPECT_FALSE(q.join("a"));
  EXPECT_FALSE(q.join("a"));
  EXPECT_EQ(q.size(), 1u);
  auto pair = q.join("b");
  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->first, "a");
  EXPECT_EQ(q.size(), 0u) << "the repeated joins left no extra entries behind";
  EXPECT_FALSE(q.join("c")) << "c waits: nobody else is in the queue";
}

TEST(MatchQueue, a_requeued_user_is_waiting_again_and_paired_next) {
  MatchQueue q;
  EXPECT_FALSE(q.join("a"));
  // b pairs with a, but the pairing fails afterwards: a goes back into the queue.
  auto pair = q.join("b");
  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->first, "a");
  q.requeue_front("a");
  EXPECT_TRUE(q.waiting("a"));
  EXPECT_EQ(q.size(), 1u);
  // Requeueing someone already waiting changes nothing.
  q.requeue_front("a");
  EXPECT_EQ(q.size(), 1u);
  auto next = q.join("c");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->first, "a");
  EXPECT_EQ(q.size(), 0u);
  EXPECT_FALSE(q.join("d")) << "no second copy of a was left behind";
}

TEST(MatchQueue, a_requeued_user_goes_ahead_of_stale_entries) {
  MatchQueue q;
  EXPECT_FALSE(q.join("x"));
  EXPECT_TRUE(q.leave("x"));  // x's entry stays in line, stale
  q.requeue_front("a");
  auto pair = q.join("b");
  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->first, "a");
  EXPECT_FALSE(q.join("c")) << "x left: c waits";
}

TEST(MatchQueue, a_user_is_never_matched_with_itself) {
  MatchQueue q;
  EXPECT_FALSE(q.join("a"));
  EXPECT_TRUE(q.leave("a"));
  EXPECT_FALSE(q.join("a")) << "a's stale entry must not pair a with a";
  EXPECT_EQ(q.size(), 1u);
}

TEST(MatchQueue, a_user_who_left_or_disconnected_is_not_matched) {
  MatchQueue q;
  EXPECT_FALSE(q.join("a"));
  EXPECT_TRUE(q.leave("a"));
  EXPECT_FALSE(q.leave("a")) << "leaving twice is a no-op";
  EXPECT_FALSE(q.join("b")) << "b must wait: a is gone";
  auto pair = q.join("c");
  ASSERT_TRUE(pair);
  EXPECT_EQ(pair->first, "b");
}

TEST(MatchQueue, pairs_first_come_first_served) {
  MatchQueue q;
  EXPECT_FALSE(q.join("a"));
  EXPECT_TRUE(q.leave("a"));
  EXPECT_FALSE(q.join("b"));
  auto pair = q.join("a");
  ASSERT_TRUE(pair) << "a re-joins behind b and is paired with b";
  EXPECT_EQ(pair->first, "b");
  EXPECT_EQ(pair->second, "a");
}

TEST(MatchQueue, many_users_at_once_pair_up_completely) {
  MatchQueue q;
  std::set<std::string> matched;
  int pairs = 0;
  for (int i = 0; i < 1001; ++i) {
    std::string u = "u" + std::to_string(i);
    auto p = q.join(u);
    if (!p && i % 7 == 0) p = q.join(u);  // some join twice while waiting: no effect
    if (p) {
      ++pairs;
      EXPECT_NE(p->first, p->second);
      EXPECT_TRUE(matched.insert(p->first).second) << p->first << " matched twice";
      EXPECT_TRUE(matched.insert(p->second).second) << p->second << " matched twice";
    }
  }
  EXPECT_EQ(pairs, 500);
  EXPECT_EQ(q.size(), 1u) << "exactly one user is left waiting";
}

}  // namespace
}  // namespace parley::chat
