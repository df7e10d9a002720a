#pragma once
// Markdown for chat messages: GitHub-flavoured CommonMark rendered to an HTML fragment
// that is safe to insert into another user's page.
//
// Promises:
// - No HTML from the input reaches the output: raw HTML blocks and inline tags are
//   omitted, and every other character of the text is escaped.
// - Links and images only point at http(s) (links also mailto:) or relative URLs; any
//   other scheme (javascript:, data:, vbscript:, file:, ...) renders as plain text.
// - Every link opens in a new tab with rel="noopener noreferrer".
// - No image is embedded: an image (`![alt](url)`) renders as a link to it, its alt
//   text (or else its URL) as the link's text, so reading a message fetches nothing
//   from a third party.
// - A newline in the text is a line break (<br />), as users of chat apps expect.
// - Supported: emphasis, strong, ~~strikethrough~~, `code`, fenced code, lists,
//   task lists, block quotes, headings, links, autolinked URLs and e-mail addresses.
// - Thread-safe: may be called from any number of threads at once.
#include <string>
#include <string_view>

namespace parley::text {

// The HTML fragment for `text` (empty for empty input). Invalid UTF-8 is replaced by
// U+FFFD rather than rejected: callers validate input before storing it.
std::string render_markdown(std::string_view text);

// The same, always through cmark-gfm: render_markdown takes a shortcut for plain
// one-line text (plain_paragraph.hpp), and the tests compare the two.
std::string render_markdown_cmark(std::string_view text);

}  // namespace parley::text
