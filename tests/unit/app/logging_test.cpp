#include "app/logging.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <stdexcept>
#include <string>

namespace parley::app {
namespace {

TEST(Logging, accepts_exactly_the_documented_levels) {
  for (auto level : k_log_levels) EXPECT_TRUE(is_log_level(level)) << level;
  EXPECT_FALSE(is_log_level("verbose"));
  EXPECT_FALSE(is_log_level("INFO"));  // config lower-cases before asking
  EXPECT_THROW(init_logging("verbose"), std::invalid_argument);
}

TEST(Logging, sets_the_level_of_the_default_logger) {
  init_logging("warn");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::warn);
  init_logging("error");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::err);
  init_logging("off");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::off);
  init_logging("trace");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::trace);
}

TEST(Logging, writes_one_line_with_time_level_and_thread_even_for_newlines) {
  // Capture first: the sink decides on colours by whether stderr is a terminal.
  testing::internal::CaptureStderr();
  init_logging("info");
  spdlog::info("user {} joined", "eve\nforged line\r\x01");
  spdlog::debug("not shown at info");
  spdlog::default_logger()->flush();
  const std::string out = testing::internal::GetCapturedStderr();
  // <UTC time with ms>Z info  [<thread id>] <message>\n, e.g.
  // 2024-05-01T12:00:00.123Z info  [4711] ...
  ASSERT_EQ(out.find('\n'), out.size() - 1) << out;
  ASSERT_GT(out.size(), 24u) << out;
  const std::string time = out.substr(0, 24);
  for (std::size_t i : {4u, 7u}) EXPECT_EQ(time[i], '-') << time;
  EXPECT_EQ(time[10], 'T') << time;
  EXPECT_EQ(time[19], '.') << time;
  EXPECT_EQ(time[23], 'Z') << time;
  const std::string rest = out.substr(24);
  EXPECT_TRUE(rest.starts_with(" info  [")) << rest;
  const auto close = rest.find("] ");
  ASSERT_NE(close, std::string::npos) << rest;
  const std::string thread = rest.substr(8, close - 8);
  EXPECT_FALSE(thread.empty());
  EXPECT_EQ(thread.find_first_not_of("0123456789"), std::string::npos) << thread;
  EXPECT_EQ(rest.substr(close + 2), "user eve\\nforged line\\r\\x01 joined\n");
}

TEST(Logging, escape_controls_escapes_c0_and_del_and_keeps_every_other_byte) {
  using namespace std::string_literals;
  const std::string s = "a\nb\rc\td\x01\x1f\x7f\0 ~caf\xc3\xa9\xff"s;
  EXPECT_EQ(escape_controls(s, NamedEscapes::yes),
            "a\\nb\\rc\\td\\x01\\x1f\\x7f\\x00 ~caf\xc3\xa9\xff");
  EXPECT_EQ(escape_controls(s, NamedEscapes::no),
            "a\\x0ab\\x0dc\\x09d\\x01\\x1f\\x7f\\x00 ~caf\xc3\xa9\xff");
  EXPECT_EQ(escape_controls("", NamedEscapes::yes), "");
}

TEST(Logging, accepts_exactly_the_documented_formats) {
  for (auto format : k_log_formats) EXPECT_TRUE(is_log_format(format)) << format;
  EXPECT_FALSE(is_log_format("JSON"));
  EXPECT_FALSE(is_log_format("logfmt"));
  EXPECT_THROW(init_logging("info", "logfmt"), std::invalid_argument);
}

TEST(Logging, json_format_writes_one_parsable_object_per_event) {
  testing::internal::CaptureStderr();
  init_logging("debug", "json");
  // Quotes, backslashes, control characters and a byte that is not UTF-8 must not
  // break the line or the JSON; valid UTF-8 passes through.
  spdlog::info("user {} said \"hi\\there\"", "eve\nforged\r\x01\xff caf\xc3\xa9");
  spdlog::warn("second");
  spdlog::trace("not shown at debug");
  spdlog::default_logger()->flush();
  const std::string out = testing::internal::GetCapturedStderr();
  init_logging("info");  // back to text for the other tests

  std::vector<std::string> lines;
  for (std::size_t start = 0; start < out.size();) {
    const auto nl = out.find('\n', start);
    ASSERT_NE(nl, std::string::npos) << "every line ends with a newline: " << out;
    lines.push_back(out.substr(start, nl - start));
    start = nl + 1;
  }
  ASSERT_EQ(lines.size(), 2u) << out;
  boost::system::error_code ec;
  const auto first = boost::json::parse(lines[0], ec);
  ASSERT_FALSE(ec) << lines[0];
  ASSERT_TRUE(first.is_object()) << lines[0];
  const auto& o = first.as_object();
  EXPECT_EQ(o.at("level").as_string(), "info");
  EXPECT_EQ(o.at("msg").as_string(),
            "user eve\nforged\r\x01\xef\xbf\xbd caf\xc3\xa9 said \"hi\\there\"");
  EXPECT_TRUE(o.at("thread").is_int64() || o.at("thread").is_uint64()) << lines[0];
  const std::string time(o.at("time").as_string());
  ASSERT_EQ(time.size(), 24u) << time;
  EXPECT_EQ(time[10], 'T') << time;
  EXPECT_EQ(time[19], '.') << time;
  EXPECT_EQ(time[23], 'Z') << time;
  const auto second = boost::json::parse(lines[1], ec);
  ASSERT_FALSE(ec) << lines[1];
  EXPECT_EQ(second.as_object().at("level").as_string(), "warning");
  EXPECT_EQ(second.as_object().at("msg").as_string(), "second");
}

}  // namespace
}  // namespace parley::app
