#include "text/plain_paragraph.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "text/markdown.hpp"

namespace parley::text {
namespace {

// The fast path is only sound if it renders exactly what cmark-gfm would.
void expect_same_as_cmark(const std::string& text) {
  if (auto plain = render_plain_paragraph(text)) {
    EXPECT_EQ(*plain, render_markdown_cmark(text)) << "text: [" << text << "]";
  }
}

TEST(PlainParagraph, renders_plain_chat_text) {
  EXPECT_EQ(render_plain_paragraph("hello world"), "<p>hello world</p>\n");
  EXPECT_EQ(render_plain_paragraph("say \"hi\" > bye"), "<p>say &quot;hi&quot; &gt; bye</p>\n");
  EXPECT_EQ(render_plain_paragraph("@bob: see #general at 3:30, ok? (yes!)"),
            "<p>@bob: see #general at 3:30, ok? (yes!)</p>\n");
}

TEST(PlainParagraph, declines_what_markdown_or_autolinks_may_change) {
  for (const char* text : {"",
                           " leading space",
                           "trailing space ",
                           "two\nlines",
                           "**bold**",
                           "a_b",
                           "`code`",
                           "[link](x)",
                           "a <b> c",
                           "fish & chips",
                           "~~gone~~",
                           "a\\b",
                           "# heading",
                           "- item",
                           "1. item",
                           "> quote",
                           "    code",
                           "go to www.example.com",
                           "WWW.EXAMPLE.COM",
                           "see http://example.com",
                           "mail bob@example.com",
                           "a.b@example.com",
                           "caf\xc3\xa9",
                           "tab\there"}) {
    EXPECT_FALSE(render_plain_paragraph(text).has_value()) << text;
  }
}

TEST(PlainParagraph, agrees_with_cmark_on_chosen_texts) {
  for (const char* text :
       {"hello",      "hello world", "a  b",    "@@P1:12:345:678;xxxx",
        "@bob hi",    "x @ y",       "a:b",     "a: /b",
        "ww.x",       "www",         "wwwx.",   "a >b",
        "\"quoted\"", "'single'",    "(paren)", "a=b+c-d/e%f^g{h}i|j$k?l,m;n!o#p",
        "Done.",      "ok!",         "A1. b",   "x -- y",
        "x == y"}) {
    expect_same_as_cmark(text);
    EXPECT_TRUE(render_plain_paragraph(text).has_value()) << text;
  }
}

// Random texts over an alphabet rich in markup and autolink characters: wherever the
// fast path answers, cmark-gfm must give the same HTML.
TEST(PlainParagraph, agrees_with_cmark_on_random_texts) {
  const std::string alphabet = "abwW. @:/#-+=>\"'()!?,;0123456789*_`[]<&~\\|{}$%^\tx";
  std::mt19937 rng(12345);
  std::uniform_int_distribution<std::size_t> len(1, 24);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  int answered = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    const std::size_t size = len(rng);
    for (std::size_t i = 0; i < size; ++i) text += alphabet[pick(rng)];
    if (render_plain_paragraph(text)) ++answered;
    expect_same_as_cmark(text);
  }
  EXPECT_GT(answered, 100);  // the comparison did cover the fast path
}

}  // namespace
}  // namespace parley::text
