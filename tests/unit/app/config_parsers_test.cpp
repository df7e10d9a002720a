#include "app/config_parsers.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace parley::app {
namespace {

using namespace std::string_literals;

TEST(ConfigParsers, in_quotes_escapes_control_characters_and_keeps_other_bytes) {
  EXPECT_EQ(in_quotes("abc"), "'abc'");
  EXPECT_EQ(in_quotes(""), "''");
  EXPECT_EQ(in_quotes("a\nb\x7f"), "'a\\x0ab\\x7f'");
  EXPECT_EQ(in_quotes("\t\r"), "'\\x09\\x0d'");
  EXPECT_EQ(in_quotes("a\0b"s), "'a\\x00b'");
  EXPECT_EQ(in_quotes("caf\xc3\xa9 ~"), "'caf\xc3\xa9 ~'");
}

TEST(ConfigParsers, in_quotes_cuts_after_64_bytes_and_says_so) {
  const std::string exactly(64, 'x');
  EXPECT_EQ(in_quotes(exactly), "'" + exactly + "'");
  EXPECT_EQ(in_quotes(exactly + "yz"), "'" + exactly + "...'");
  // What is cut is not escaped: the shown part alone counts.
  EXPECT_EQ(in_quotes(exactly + "\n"), "'" + exactly + "...'");
}

TEST(ConfigParsers, trim_drops_only_space_tab_cr_and_lf_at_the_ends) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim("\n\t x"), "x");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("\vx\f"), "\vx\f");
}

TEST(ConfigParsers, lower_lowers_ascii_letters_only) {
  EXPECT_EQ(lower("LOG_Level-1"), "log_level-1");
  EXPECT_EQ(lower("\xc3\x89T\xc3\x89"), "\xc3\x89t\xc3\x89");
}

TEST(ConfigParsers, integer_accepts_whole_numbers_within_inclusive_bounds) {
  Problems p;
  EXPECT_EQ(integer("N", "42", 0, 100, p), 42);
  EXPECT_EQ(integer("N", "0", 0, 100, p), 0);
  EXPECT_EQ(integer("N", "100", 0, 100, p), 100);
  EXPECT_EQ(integer("N", " 7 \n", 0, 100, p), 7);
  EXPECT_EQ(integer("N", "-5", -10, 10, p), -5);
  EXPECT_EQ(integer("N", "9223372036854775807", 0, std::numeric_limits<std::int64_t>::max(), p),
            std::numeric_limits<std::int64_t>::max());
  EXPECT_TRUE(p.list.empty());
}

TEST(ConfigParsers, integer_refuses_anything_else_with_one_problem_each) {
  for (const std::string bad :
       {"101", "-1", "", " ", "+5", "12abc", "1.5", "0x10", "1 2", "1e3", "99999999999999999999"}) {
    Problems p;
    EXPECT_EQ(integer("PORT", bad, 0, 100, p), std::nullopt) << bad;
    ASSERT_EQ(p.list.size(), 1u) << bad;
    EXPECT_EQ(p.list[0], "PORT: " + in_quotes(bad) + " is not a number between 0 and 100");
    EXPECT_TRUE(p.has("PORT"));
  }
}

TEST(ConfigParsers, integer_quotes_the_text_as_given_and_adds_why) {
  Problems p;
  EXPECT_EQ(integer("SSE_PING_SECONDS", " 30 ", 1, 24, p, "proxies cut idle streams"),
            std::nullopt);
  ASSERT_EQ(p.list.size(), 1u);
  EXPECT_EQ(p.list[0],
            "SSE_PING_SECONDS: ' 30 ' is not a number between 1 and 24 (proxies cut idle streams)");
}

TEST(ConfigParsers, decimal_accepts_numbers_within_bounds) {
  Problems p;
  EXPECT_EQ(decimal("R", "0.5", 0.001, 1e6, p), 0.5);
  EXPECT_EQ(decimal("R", " 2 ", 0.001, 1e6, p), 2.0);
  EXPECT_EQ(decimal("R", "1e3", 0.001, 1e6, p), 1000.0);
  EXPECT_EQ(decimal("R", "1000000", 0.001, 1e6, p), 1e6);
  EXPECT_EQ(decimal("R", "0.001", 0.001, 1e6, p), 0.001);
  EXPECT_TRUE(p.list.empty());
}

TEST(ConfigParsers, decimal_refuses_nan_infinity_junk_and_out_of_range) {
  for (const std::string bad :
       {"nan", "NaN", "inf", "-inf", "0", "-0.5", "1000001", "", "1,5", "2x", "0x1p3"}) {
    Problems p;
    EXPECT_EQ(decimal("SEND_RATE_PER_SEC", bad, 0.001, 1e6, p), std::nullopt) << bad;
    ASSERT_EQ(p.list.size(), 1u) << bad;
    EXPECT_EQ(p.list[0], "SEND_RATE_PER_SEC: " + in_quotes(bad) +
                             " is not a number between 0.001 and 1000000");
  }
}

TEST(ConfigParsers, show_decimal_writes_fixed_notation) {
  EXPECT_EQ(show_decimal(1e6), "1000000");
  EXPECT_EQ(show_decimal(10), "10");
  EXPECT_EQ(show_decimal(0.5), "0.5");
  EXPECT_EQ(show_decimal(0.001), "0.001");
}

TEST(ConfigParsers, boolean_takes_four_spellings_each_in_any_case) {
  Problems p;
  for (const std::string yes : {"true", "TRUE", "1", "yes", " Yes ", "on", "On"})
    EXPECT_EQ(boolean("B", yes, p), true) << yes;
  for (const std::string no : {"false", "False", "0", "no", "NO", "off", "\toff\n"})
    EXPECT_EQ(boolean("B", no, p), false) << no;
  EXPECT_TRUE(p.list.empty());
}

TEST(ConfigParsers, boolean_refuses_other_words) {
  for (const std::string bad : {"", "2", "y", "n", "enabled", "truee", "o n"}) {
    Problems p;
    EXPECT_EQ(boolean("GUEST_LOGIN", bad, p), std::nullopt) << bad;
    ASSERT_EQ(p.list.size(), 1u) << bad;
    EXPECT_EQ(p.list[0], "GUEST_LOGIN: " + in_quotes(bad) +
                             " is not a boolean (true/false, 1/0, yes/no, on/off)");
  }
}

TEST(ConfigParsers, non_empty_trims_and_refuses_blank) {
  Problems p;
  EXPECT_EQ(non_empty("HOST", "  ::1 \n", p), "::1");
  EXPECT_TRUE(p.list.empty());
  EXPECT_EQ(non_empty("HOST", " \t ", p), std::nullopt);
  EXPECT_EQ(p.list, std::vector<std::string>{"HOST: must not be empty"});
}

TEST(ConfigParsers, http_url_keeps_a_url_with_a_host_without_trailing_slashes) {
  Problems p;
  EXPECT_EQ(http_url("U", "https://example.com/", p), "https://example.com");
  EXPECT_EQ(http_url("U", "http://h:8080/base//", p), "http://h:8080/base");
  EXPECT_EQ(http_url("U", " https://chat.example.org \n", p), "https://chat.example.org");
  EXPECT_EQ(http_url("U", "http://127.0.0.1:9/a?b=c", p), "http://127.0.0.1:9/a?b=c");
  EXPECT_TRUE(p.list.empty());
}

TEST(ConfigParsers, http_url_refuses_other_schemes_no_host_and_blanks_inside) {
  for (const std::string bad : {"ftp://example.com", "example.com", "http://", "https:///path",
                                "http//x", "http://a b", "https://a\tb", "https://a\nb", ""}) {
    Problems p;
    EXPECT_EQ(http_url("BASE_URL", bad, p), std::nullopt) << bad;
    ASSERT_EQ(p.list.size(), 1u) << bad;
    EXPECT_EQ(p.list[0],
              "BASE_URL: " + in_quotes(bad) + " is not an http:// or https:// URL with a host");
  }
}

TEST(ConfigParsers, comma_list_trims_items_and_drops_empty_ones) {
  EXPECT_EQ(comma_list("a, b ,,c ,"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(comma_list("single"), std::vector<std::string>{"single"});
  EXPECT_EQ(comma_list(" x y "), std::vector<std::string>{"x y"});
  EXPECT_TRUE(comma_list("").empty());
  EXPECT_TRUE(comma_list(" , ,\t").empty());
}

TEST(ConfigParsers, starts_with_any_is_case_sensitive) {
  EXPECT_TRUE(starts_with_any("redis://h", {"postgres://", "redis://"}));
  EXPECT_FALSE(starts_with_any("Redis://h", {"postgres://", "redis://"}));
  EXPECT_FALSE(starts_with_any("redis:/", {"redis://"}));
  EXPECT_FALSE(starts_with_any("anything", {}));
}

TEST(ConfigParsers, is_instance_id_takes_1_to_64_safe_characters) {
  EXPECT_TRUE(is_instance_id("host-1.eu_west"));
  EXPECT_TRUE(is_instance_id(std::string(64, 'a')));
  EXPECT_FALSE(is_instance_id(std::string(65, 'a')));
  EXPECT_FALSE(is_instance_id(""));
  EXPECT_FALSE(is_instance_id("a b"));
  EXPECT_FALSE(is_instance_id("a/b"));
  EXPECT_FALSE(is_instance_id("caf\xc3\xa9"));
}

TEST(ConfigParsers, redact_url_hides_the_password_of_the_user_info_only) {
  EXPECT_EQ(redact_url("postgres://user:pw@host/db"), "postgres://user:***@host/db");
  EXPECT_EQ(redact_url("redis://:pw@host:6379"), "redis://:***@host:6379");
  // Everything between the first ':' and the last '@' of the authority is the
  // password, '@' and ':' included.
  EXPECT_EQ(redact_url("redis://u:p@s:s@host/"), "redis://u:***@host/");
  // An '@' in the path is not user-info.
  EXPECT_EQ(redact_url("https://a:b@c/d@e"), "https://a:***@c/d@e");
  EXPECT_EQ(redact_url("sqlite://./data/x@y.db"), "sqlite://./data/x@y.db");
}

TEST(ConfigParsers, redact_url_leaves_urls_without_a_password_alone) {
  EXPECT_EQ(redact_url("postgres://user@host/db"), "postgres://user@host/db");
  EXPECT_EQ(redact_url("redis://host:6379/0"), "redis://host:6379/0");
  EXPECT_EQ(redact_url("user:pw@host"), "user:pw@host");
  EXPECT_EQ(redact_url(""), "");
}

TEST(ConfigParsers, problems_keep_order_and_remember_names) {
  Problems p;
  p.add("B", "second letter");
  p.add("A", "first letter");
  p.add("B", "again");
  EXPECT_EQ(p.list, (std::vector<std::string>{"B: second letter", "A: first letter", "B: again"}));
  EXPECT_TRUE(p.has("A"));
  EXPECT_TRUE(p.has("B"));
  EXPECT_FALSE(p.has("C"));
}

}  // namespace
}  // namespace parley::app
