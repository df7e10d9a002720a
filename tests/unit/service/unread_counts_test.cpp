#include "service/unread_counts.hpp"

#include <gtest/gtest.h>

namespace parley::service {
namespace {

chat::RoomSummary summary(const std::string& room, chat::Seq read_seq, chat::Seq last_seq,
                          std::int64_t unread) {
  chat::RoomSummary s;
  s.room.id = room;
  s.room.last_seq = last_seq;
  s.read_seq = read_seq;
  s.unread = unread;
  return s;
}

// A session that follows room "r": the store counted `unread` messages in
// (read_seq, last_seq], and the snapshot has been taken.
UnreadCounts counting(chat::Seq read_seq, chat::Seq last_seq, std::int64_t unread) {
  UnreadCounts c;
  c.add("r");
  c.begin_count();  // begun before the room was followed: not usable for it
  const auto round = c.begin_count();
  c.counted(round, {summary("r", read_seq, last_seq, unread)});
  c.snapshot();
  return c;
}

TEST(UnreadCounts, uses_only_a_count_begun_after_the_room_was_added) {
  UnreadCounts c;
  const auto early = c.begin_count();
  c.add("r");
  EXPECT_TRUE(c.counted(early, {summary("r", 1, 5, 2)}).empty());
  EXPECT_TRUE(c.wants_count());
  const auto round = c.begin_count();
  c.counted(round, {summary("r", 1, 5, 2)});
  EXPECT_FALSE(c.wants_count());
  EXPECT_EQ(c.snapshot(), (std::vector<UnreadCount>{{"r", 2, 1, 5}}));
}

TEST(UnreadCounts, reports_nothing_before_the_snapshot) {
  UnreadCounts c;
  c.add("r");
  const auto round = c.begin_count();
  c.counted(round, {summary("r", 1, 5, 2)});
  EXPECT_FALSE(c.message("r", 6, false).has_value());
  EXPECT_EQ(c.snapshot(), (std::vector<UnreadCount>{{"r", 3, 1, 6}}));
}

TEST(UnreadCounts, counts_messages_from_others_and_not_own_or_other_events) {
  auto c = counting(1, 5, 2);
  EXPECT_EQ(c.message("r", 6, false), (UnreadCount{"r", 3, 1, 6}));
  c.other_event("r", 7);  // an edit, a reaction: no change
  EXPECT_EQ(c.message("r", 8, false), (UnreadCount{"r", 4, 1, 8}));
  // A message the store already counted (its event came late) is not counted twice.
  EXPECT_FALSE(c.message("r", 4, false).has_value());
  // One's own message reads everything up to it.
  EXPECT_EQ(c.message("r", 9, true), (UnreadCount{"r", 0, 9, 9}));
  EXPECT_FALSE(c.message("r", 10, true).has_value());  // no change, no report
}

TEST(UnreadCounts, reading_to_the_end_or_past_the_counted_range_is_exact) {
  auto c = counting(1, 5, 2);
  c.message("r", 6, false);
  c.message("r", 7, false);
  EXPECT_EQ(c.read("r", 6), (UnreadCount{"r", 1, 6, 7}));
  EXPECT_FALSE(c.wants_count());
  EXPECT_EQ(c.read("r", 7), (UnreadCount{"r", 0, 7, 7}));
  EXPECT_FALSE(c.read("r", 3).has_value());  // markers only move forward
}

TEST(UnreadCounts, a_marker_inside_the_counted_range_waits_for_a_new_count) {
  auto c = counting(1, 10, 4);
  c.message("r", 11, false);
  EXPECT_FALSE(c.read("r", 5).has_value());
  EXPECT_TRUE(c.wants_count());
  const auto round = c.begin_count();
  // Meanwhile another message; the store's count (read 5, up to 11) has 2 of the
  // first range and the 11th.
  EXPECT_FALSE(c.message("r", 12, false).has_value());
  EXPECT_EQ(c.counted(round, {summary("r", 5, 11, 3)}),
            (std::vector<UnreadCount>{{"r", 4, 5, 12}}));
  EXPECT_FALSE(c.wants_count());
}

TEST(UnreadCounts, a_marker_that_moves_while_counting_makes_the_count_stale_again) {
  auto c = counting(1, 10, 4);
  c.read("r", 5);
  const auto round = c.begin_count();
  c.read("r", 7);  // after the store read its marker of 5
  EXPECT_TRUE(c.counted(round, {summary("r", 5, 10, 3)}).empty());
  EXPECT_TRUE(c.wants_count());
  const auto again = c.begin_count();
  EXPECT_EQ(c.counted(again, {summary("r", 7, 10, 2)}),
            (std::vector<UnreadCount>{{"r", 2, 7, 10}}));
}

TEST(UnreadCounts, an_empty_counted_range_needs_no_new_count) {
  auto c = counting(1, 10, 0);
  c.message("r", 11, false);
  EXPECT_EQ(c.read("r", 5), std::nullopt);  // still the one after 10
  EXPECT_FALSE(c.wants_count());
  EXPECT_EQ(c.read("r", 11), (UnreadCount{"r", 0, 11, 11}));
}

TEST(UnreadCounts, deletes_take_unread_messages_off_exactly) {
  auto c = counting(2, 10, 3);
  c.message("r", 11, false);
  EXPECT_EQ(c.deleted("r", 12, 11), (UnreadCount{"r", 3, 2, 12}));  // a live one
  EXPECT_EQ(c.deleted("r", 13, 8), (UnreadCount{"r", 2, 2, 13}));   // a counted one
  EXPECT_FALSE(c.deleted("r", 14, 2).has_value());                  // a read one
  EXPECT_FALSE(c.deleted("r", 9, 7).has_value());  // stored before the count: in it
}

TEST(UnreadCounts, deletes_seen_while_counting_apply_to_the_new_count) {
  UnreadCounts c;
  c.add("r");
  const auto round = c.begin_count();
  c.deleted("r", 12, 4);     // after the store's read (up to 10): not in its count
  c.deleted("r", 9, 3);      // before it: in its count already
  c.message("r", 8, false);  // counted by the store
  c.message("r", 11, false);
  c.counted(round, {summary("r", 2, 10, 3)});
  EXPECT_EQ(c.snapshot(), (std::vector<UnreadCount>{{"r", 3, 2, 12}}));
}

TEST(UnreadCounts, a_room_missing_from_the_count_is_no_longer_followed) {
  UnreadCounts c;
  c.add("gone");
  c.add("kept");
  const auto round = c.begin_count();
  c.counted(round, {summary("kept", 1, 1, 0)});
  EXPECT_FALSE(c.has("gone"));
  EXPECT_FALSE(c.wants_count());
  EXPECT_EQ(c.snapshot(), (std::vector<UnreadCount>{{"kept", 0, 1, 1}}));
}

TEST(UnreadCounts, a_room_added_after_the_snapshot_is_reported_once_counted) {
  auto c = counting(1, 1, 0);
  c.add("dm");
  const auto round = c.begin_count();
  EXPECT_EQ(c.counted(round, {summary("r", 1, 1, 0), summary("dm", 1, 2, 1)}),
            (std::vector<UnreadCount>{{"dm", 1, 1, 2}}));
}

TEST(UnreadCounts, a_long_unread_run_stays_exact_in_bounded_memory) {
  auto c = counting(1, 10, 2);
  std::optional<UnreadCount> last;
  for (chat::Seq seq = 11; seq <= 1010; ++seq) last = c.message("r", seq, false);
  EXPECT_EQ(last, (UnreadCount{"r", 1002, 1, 1010}));
  EXPECT_EQ(c.deleted("r", 1011, 500), (UnreadCount{"r", 1001, 1, 1011}));
  EXPECT_EQ(c.deleted("r", 1012, 1010), (UnreadCount{"r", 1000, 1, 1012}));
  // A marker partway through what was folded into the counted range: read again.
  EXPECT_FALSE(c.read("r", 600).has_value());
  EXPECT_TRUE(c.wants_count());
  const auto round = c.begin_count();
  EXPECT_EQ(c.counted(round, {summary("r", 600, 1012, 409)}),
            (std::vector<UnreadCount>{{"r", 409, 600, 1012}}));
  EXPECT_EQ(c.read("r", 1012), (UnreadCount{"r", 0, 1012, 1012}));
}

TEST(UnreadCounts, own_messages_before_a_fold_are_not_counted_by_deletes) {
  auto c = counting(1, 1, 0);
  c.message("r", 2, false);
  EXPECT_EQ(c.message("r", 3, true), (UnreadCount{"r", 0, 3, 3}));  // reads 2
  for (chat::Seq seq = 4; seq <= 303; ++seq) c.message("r", seq, false);
  EXPECT_EQ(c.deleted("r", 304, 3), std::nullopt);  // one's own: never unread
  EXPECT_EQ(c.deleted("r", 305, 2), std::nullopt);  // read
  EXPECT_EQ(c.deleted("r", 306, 4), (UnreadCount{"r", 299, 3, 306}));
}

}  // namespace
}  // namespace parley::service
