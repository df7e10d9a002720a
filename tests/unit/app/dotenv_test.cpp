#include "app/dotenv.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace parley::app {
namespace {

TEST(Dotenv, parses_plain_assignments_comments_blank_lines_and_export) {
  const auto d = parse_dotenv(
      "# a comment\n"
      "\n"
      "PORT=9000\n"
      "   \n"
      "export HOST=127.0.0.1\n"
      "  LOG_LEVEL = debug  \n"
      "EMPTY=\n");
  EXPECT_TRUE(d.errors.empty());
  ASSERT_EQ(d.values.size(), 4u);
  EXPECT_EQ(d.values.at("PORT"), "9000");
  EXPECT_EQ(d.values.at("HOST"), "127.0.0.1");
  EXPECT_EQ(d.values.at("LOG_LEVEL"), "debug");
  EXPECT_EQ(d.values.at("EMPTY"), "");
}

TEST(Dotenv, handles_crlf_line_endings_and_a_byte_order_mark) {
  const auto d = parse_dotenv("\xEF\xBB\xBFPORT=1\r\nHOST=h\r\n");
  EXPECT_TRUE(d.errors.empty());
  EXPECT_EQ(d.values.at("PORT"), "1");
  EXPECT_EQ(d.values.at("HOST"), "h");
}

TEST(Dotenv, single_quotes_keep_everything_verbatim) {
  const auto d = parse_dotenv(R"(A='  spaced # not a comment \n $X '  # trailing comment)");
  EXPECT_TRUE(d.errors.empty());
  EXPECT_EQ(d.values.at("A"), R"(  spaced # not a comment \n $X )");
}

TEST(Dotenv, double_quotes_unescape_known_sequences_only) {
  const auto d = parse_dotenv(R"(A="line1\nline2\t\"q\" back\\slash \d # in" # comment)");
  EXPECT_TRUE(d.errors.empty());
  EXPECT_EQ(d.values.at("A"), "line1\nline2\t\"q\" back\\slash \\d # in");
}

TEST(Dotenv, unquoted_hash_starts_a_comment_only_after_whitespace) {
  const auto d = parse_dotenv(
      "A=value # comment\n"
      "B=abc#def\n"
      "C= # only a comment\n"
      "D=#leading\n");
  EXPECT_TRUE(d.errors.empty());
  EXPECT_EQ(d.values.at("A"), "value");
  EXPECT_EQ(d.values.at("B"), "abc#def");
  EXPECT_EQ(d.values.at("C"), "");
  EXPECT_EQ(d.values.at("D"), "#leading");
}

TEST(Dotenv, values_are_not_expanded) {
  const auto d = parse_dotenv("A=${HOME}/x\nB=\"$USER\"\n");
  EXPECT_EQ(d.values.at("A"), "${HOME}/x");
  EXPECT_EQ(d.values.at("B"), "$USER");
}

TEST(Dotenv, a_later_assignment_replaces_an_earlier_one) {
  const auto d = parse_dotenv("A=1\nA=2\n");
  EXPECT_EQ(d.values.at("A"), "2");
}

TEST(Dotenv, malformed_lines_are_reported_with_line_numbers_and_skipped) {
  const auto d = parse_dotenv(
      "GOOD=1\n"               // 1
      "no equals sign\n"       // 2
      "# fine\n"               // 3
      "1BAD=x\n"               // 4
      "A=\"unterminated\n"     // 5
      "B='unterminated\n"      // 6
      "C=\"done\" trailing\n"  // 7
      "D='done'x\n"            // 8
      "=novalue\n"             // 9
      "export\n"               // 10
      "ALSO_GOOD=2\n",         // 11
      "test.env");
  EXPECT_EQ(d.values.size(), 2u);
  EXPECT_EQ(d.values.at("GOOD"), "1");
  EXPECT_EQ(d.values.at("ALSO_GOOD"), "2");
  const std::vector<std::string> expected = {
      "test.env:2: expected KEY=VALUE",
      "test.env:4: '1BAD' is not a valid variable name",
      "test.env:5: unterminated double quote",
      "test.env:6: unterminated single quote",
      "test.env:7: unexpected text after the closing quote",
      "test.env:8: unexpected text after the closing quote",
      "test.env:9: '' is not a valid variable name",
      "test.env:10: expected KEY=VALUE",
  };
  EXPECT_EQ(d.errors, expected);
}

TEST(Dotenv, a_missing_file_is_empty_and_not_an_error) {
  const auto d = read_dotenv(std::filesystem::path(testing::TempDir()) / "does-not-exist.env");
  EXPECT_TRUE(d.values.empty());
  EXPECT_TRUE(d.errors.empty());
}

TEST(Dotenv, reading_a_file_names_it_in_errors) {
  const auto path = std::filesystem::path(testing::TempDir()) / "dotenv_test_named.env";
  {
    std::ofstream out(path);
    out << "PORT=1\nbroken\n";
  }
  const auto d = read_dotenv(path);
  std::filesystem::remove(path);
  EXPECT_EQ(d.values.at("PORT"), "1");
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0], path.string() + ":2: expected KEY=VALUE");
}

}  // namespace
}  // namespace parley::app
