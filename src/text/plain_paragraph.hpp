#pragma once
// The fast path of render_markdown: most chat messages are one line of plain words,
// whose HTML is `<p>` + the escaped text + `</p>\n`. Building that directly costs a
// few hundred instructions where a cmark-gfm parse and render costs ~25,000 (a
// parser, extensions, a tree and a renderer per message; docs/PERFORMANCE.md).
#include <optional>
#include <string>
#include <string_view>

namespace parley::text {

// The exact HTML cmark-gfm renders for `text` when the text provably has no markdown
// in it (printable ASCII on one line, none of the characters that start markup,
// no autolink); nullopt otherwise, and the caller renders it with cmark-gfm.
// tests/unit/text/plain_paragraph_test.cpp checks the two agree.
std::optional<std::string> render_plain_paragraph(std::string_view text);

}  // namespace parley::text
