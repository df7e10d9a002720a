#include "transport/dm_cursor.hpp"

#include <gtest/gtest.h>

#include "chat/time_format.hpp"

namespace parley::transport {
namespace {

TEST(DmCursor, round_trips_through_its_text) {
  const DmCursor c{1795400813058, "Zk3x9_a-b", 17};
  EXPECT_EQ(c.to_string(), "1795400813058.Zk3x9_a-b.17");
  EXPECT_EQ(DmCursor::parse(c.to_string()), c);
}

TEST(DmCursor, orders_by_time_then_room_then_seq) {
  EXPECT_LT((DmCursor{1, "z", 9}), (DmCursor{2, "a", 1}));
  EXPECT_LT((DmCursor{5, "a", 9}), (DmCursor{5, "b", 1}));
  EXPECT_LT((DmCursor{5, "a", 2}), (DmCursor{5, "a", 10}));  // numbers, not text
}

TEST(DmCursor, refuses_anything_it_could_not_have_written) {
  for (const char* bad : {"", "17", "1.2", "a.room.3", "1.room.x", "1..3", "1.ro.om.3", "-1.r.3",
                          "1.r.-3", "1.r.3 ", "1.r/s.3"}) {
    EXPECT_FALSE(DmCursor::parse(bad).has_value()) << bad;
  }
}

TEST(ParseTime, inverts_format_time) {
  for (chat::TimeMs ms :
       {chat::TimeMs{0}, chat::TimeMs{1795400813058}, chat::TimeMs{951782400999}}) {
    EXPECT_EQ(parse_time(chat::format_time(ms)), ms) << chat::format_time(ms);
  }
  EXPECT_FALSE(parse_time("2026-11-23T03:06:53Z").has_value());
  EXPECT_FALSE(parse_time("2026-02-30T03:06:53.058Z").has_value());
  EXPECT_FALSE(parse_time("2026-11-23 03:06:53.058Z").has_value());
}

}  // namespace
}  // namespace parley::transport
