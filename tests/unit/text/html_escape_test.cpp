#include "text/html_escape.hpp"

#include <gtest/gtest.h>

namespace parley::text {
namespace {

TEST(HtmlEscape, escapes_each_special_character) {
  EXPECT_EQ(html_escape("&"), "&amp;");
  EXPECT_EQ(html_escape("<"), "&lt;");
  EXPECT_EQ(html_escape(">"), "&gt;");
  EXPECT_EQ(html_escape("\""), "&quot;");
  EXPECT_EQ(html_escape("'"), "&#39;");
}

TEST(HtmlEscape, neutralises_an_injected_tag) {
  EXPECT_EQ(html_escape("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
  EXPECT_EQ(html_escape("\" onmouseover='x'"), "&quot; onmouseover=&#39;x&#39;");
}

TEST(HtmlEscape, copies_plain_text_and_utf8_unchanged) {
  EXPECT_EQ(html_escape(""), "");
  EXPECT_EQ(html_escape("hello, world"), "hello, world");
  EXPECT_EQ(html_escape("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(HtmlEscape, handles_runs_at_both_ends_and_adjacent_specials) {
  EXPECT_EQ(html_escape("<<a&&b>>"), "&lt;&lt;a&amp;&amp;b&gt;&gt;");
  EXPECT_EQ(html_escape("&amp;"), "&amp;amp;");  // Escaping is not idempotent, by design.
}

TEST(HtmlEscape, append_escaped_keeps_existing_content) {
  std::string out = "<p>";
  append_escaped(out, "a<b");
  out += "</p>";
  EXPECT_EQ(out, "<p>a&lt;b</p>");
}

TEST(HtmlEscape, keeps_embedded_nul_bytes) {
  using namespace std::string_literals;
  EXPECT_EQ(html_escape("a\0<"s), "a\0&lt;"s);
}

}  // namespace
}  // namespace parley::text
