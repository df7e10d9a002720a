#include "chat/time_format.hpp"

#include <gtest/gtest.h>

namespace parley::chat {
namespace {

TEST(FormatTime, writes_rfc3339_utc_with_milliseconds) {
  EXPECT_EQ(format_time(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_time(1'795'403'213'058), "2026-11-23T03:06:53.058Z");
  EXPECT_EQ(format_time(951'782'400'999), "2000-02-29T00:00:00.999Z");  // a leap day
  EXPECT_EQ(format_time(253'402'300'799'999), "9999-12-31T23:59:59.999Z");
}

TEST(FormatTime, counts_back_from_the_epoch_for_negative_times) {
  EXPECT_EQ(format_time(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_time(-86'400'000), "1969-12-31T00:00:00.000Z");
}

TEST(FormatTime, sorts_as_text_as_it_sorts_as_time) {
  const TimeMs times[] = {-1, 0, 999, 1000, 59'999, 86'399'999, 951'782'400'999, 1'795'400'813'058};
  for (std::size_t i = 1; i < std::size(times); ++i)
    EXPECT_LT(format_time(times[i - 1]), format_time(times[i])) << times[i];
}

}  // namespace
}  // namespace parley::chat
