#include "text/markdown.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace parley::text {
namespace {

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

constexpr std::string_view k_link_attrs = "target=\"_blank\" rel=\"noopener noreferrer\"";

TEST(Markdown, empty_input_renders_nothing) {
  EXPECT_EQ(render_markdown(""), "");
}

TEST(Markdown, plain_text_is_a_paragraph) {
  EXPECT_EQ(render_markdown("hello"), "<p>hello</p>\n");
}

TEST(Markdown, renders_bold_italic_and_strikethrough) {
  EXPECT_EQ(render_markdown("**b** *i* _j_ ~~s~~"),
            "<p><strong>b</strong> <em>i</em> <em>j</em> <del>s</del></p>\n");
}

TEST(Markdown, single_tilde_is_not_strikethrough) {
  EXPECT_EQ(render_markdown("back in ~5 min, see ~/src~"), "<p>back in ~5 min, see ~/src~</p>\n");
}

TEST(Markdown, renders_inline_code_with_content_escaped) {
  EXPECT_EQ(render_markdown("use `a<b && c`"), "<p>use <code>a&lt;b &amp;&amp; c</code></p>\n");
}

TEST(Markdown, renders_fenced_code_with_language) {
  EXPECT_EQ(render_markdown("```cpp\nint x = a<b;\n```"),
            "<pre><code class=\"language-cpp\">int x = a&lt;b;\n</code></pre>\n");
}

TEST(Markdown, renders_lists_and_task_lists) {
  EXPECT_EQ(render_markdown("- one\n- two"), "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n");
  EXPECT_EQ(render_markdown("1. one\n2. two"), "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n");
  const std::string tasks = render_markdown("- [x] done\n- [ ] todo");
  EXPECT_TRUE(contains(tasks, "<input type=\"checkbox\" checked=\"\" disabled=\"\" /> done"))
      << tasks;
  EXPECT_TRUE(contains(tasks, "<input type=\"checkbox\" disabled=\"\" /> todo")) << tasks;
}

TEST(Markdown, renders_block_quotes) {
  EXPECT_EQ(render_markdown("> quoted"), "<blockquote>\n<p>quoted</p>\n</blockquote>\n");
}

TEST(Markdown, newline_is_a_line_break) {
  EXPECT_EQ(render_markdown("line one\nline two"), "<p>line one<br />\nline two</p>\n");
}

TEST(Markdown, links_open_in_a_new_tab_without_opener) {
  EXPECT_EQ(render_markdown("[site](https://example.com/a?b=1&c=2)"),
            "<p><a target=\"_blank\" rel=\"noopener noreferrer\" "
            "href=\"https://example.com/a?b=1&amp;c=2\">site</a></p>\n");
  const std::string two = render_markdown("[a](http://a.example) and [b](/rooms/x)");
  std::size_t count = 0;
  for (std::size_t p = two.find(k_link_attrs); p != std::string::npos;
       p = two.find(k_link_attrs, p + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 2u) << two;
}

TEST(Markdown, autolinks_urls_and_email_addresses) {
  const std::string www = render_markdown("see www.example.com now");
  EXPECT_TRUE(contains(www, "href=\"http://www.example.com\">www.example.com</a>")) << www;
  EXPECT_TRUE(contains(www, k_link_attrs)) << www;
  const std::string https = render_markdown("go to https://example.com/x.");
  EXPECT_TRUE(contains(https, "href=\"https://example.com/x\">https://example.com/x</a>."))
      << https;
  const std::string mail = render_markdown("mail me@example.com");
  EXPECT_TRUE(contains(mail, "href=\"mailto:me@example.com\"")) << mail;
}

TEST(Markdown, raw_html_never_reaches_the_output) {
  const std::string inline_tag = render_markdown("hi <img src=x onerror=alert(1)> there");
  EXPECT_FALSE(contains(inline_tag, "<img")) << inline_tag;
  EXPECT_FALSE(contains(inline_tag, "onerror=alert(1)>")) << inline_tag;
  const std::string block = render_markdown("<script>alert(1)</script>");
  EXPECT_FALSE(contains(block, "<script")) << block;
  const std::string attr = render_markdown("[x](https://a.example \"t\\\" onmouseover=\\\"y\")");
  EXPECT_FALSE(contains(attr, "\" onmouseover")) << attr;
}

TEST(Markdown, raw_html_is_shown_as_the_text_the_user_typed) {
  EXPECT_EQ(render_markdown("hi <img src=x onerror=alert(1)> there"),
            "<p>hi &lt;img src=x onerror=alert(1)&gt; there</p>\n");
  EXPECT_EQ(render_markdown("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
}

TEST(Markdown, escaped_html_text_is_not_mistaken_for_a_link) {
  // Text that looks like a link tag stays text and gets no rel/target added.
  const std::string out = render_markdown("`<a href=\"x\">` and \\<a href=\"y\">");
  EXPECT_FALSE(contains(out, "<a ")) << out;
  EXPECT_FALSE(contains(out, k_link_attrs)) << out;
}

TEST(Markdown, javascript_links_are_rendered_as_text) {
  for (const char* md : {"[click](javascript:alert(1))", "[click](JavaScript:alert(1))",
                         "[click](&#106;avascript:alert(1))", "[click](<java\tscript:alert(1)>)",
                         "<javascript:alert(1)>", "[click](vbscript:msgbox)",
                         "[click](data:text/html;base64,PHNjcmlwdD4=)"}) {
    const std::string out = render_markdown(md);
    EXPECT_FALSE(contains(out, "<a")) << md << " -> " << out;
    EXPECT_FALSE(contains(out, "href")) << md << " -> " << out;
  }
  EXPECT_EQ(render_markdown("[click](javascript:alert(1))"), "<p>click</p>\n");
}

TEST(Markdown, images_with_unsafe_urls_become_alt_text) {
  EXPECT_EQ(render_markdown("![cat](javascript:alert(1))"), "<p>cat</p>\n");
  EXPECT_EQ(render_markdown("![cat](data:image/png;base64,AAAA)"), "<p>cat</p>\n");
}

TEST(Markdown, images_render_as_links_never_as_img) {
  // The CSP blocks third-party images and fetching one would leak readers' IPs.
  EXPECT_EQ(render_markdown("![cat](https://example.com/cat.png)"),
            "<p><a target=\"_blank\" rel=\"noopener noreferrer\" "
            "href=\"https://example.com/cat.png\">cat</a></p>\n");
  EXPECT_EQ(render_markdown("see ![a *fat* cat](/static/cat.png \"Tom\")"),
            "<p>see <a target=\"_blank\" rel=\"noopener noreferrer\" href=\"/static/cat.png\" "
            "title=\"Tom\">a <em>fat</em> cat</a></p>\n");
  // No alt text: the URL is the link's text, so there is something to click.
  EXPECT_EQ(render_markdown("![](https://example.com/x.png)"),
            "<p><a target=\"_blank\" rel=\"noopener noreferrer\" "
            "href=\"https://example.com/x.png\">https://example.com/x.png</a></p>\n");
  // Inside a link the image's text stays inside that one link.
  const std::string nested = render_markdown("[![logo](https://e.com/l.png)](https://e.com)");
  EXPECT_EQ(nested,
            "<p><a target=\"_blank\" rel=\"noopener noreferrer\" href=\"https://e.com\">"
            "<em>logo</em></a></p>\n");
}

TEST(Markdown, mailto_links_are_kept) {
  const std::string out = render_markdown("[mail](mailto:a@example.com)");
  EXPECT_TRUE(contains(out, "href=\"mailto:a@example.com\"")) << out;
}

TEST(Markdown, invalid_utf8_is_replaced_not_passed_through) {
  const std::string out = render_markdown(
      "a\xFF"
      "b");
  EXPECT_EQ(out,
            "<p>a\xEF\xBF\xBD"
            "b</p>\n");
}

TEST(Markdown, renders_concurrently_with_the_same_result) {
  // Strikethrough and autolink depend on cmark-gfm's process-wide tables; concurrent
  // renders must neither race on them (TSan/ASan) nor lose them for each other.
  const std::string input = "~~gone~~ www.example.com **b**";
  const std::string expected = render_markdown(input);
  ASSERT_TRUE(contains(expected, "<del>gone</del>")) << expected;
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        if (render_markdown(input) != expected) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace parley::text
