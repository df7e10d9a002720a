#pragma once
// HTML escaping for text that goes into element content or a quoted attribute value.
// Escapes exactly & < > " ' so the result is safe in both places; everything else,
// including non-ASCII UTF-8, is copied byte for byte. Pure functions, any thread.
#include <string>
#include <string_view>

namespace parley::text {

// Appends `s` to `out`, escaped. Appending (rather than returning) lets callers that
// build a page or a JSON fragment escape into their buffer without a temporary.
void append_escaped(std::string& out, std::string_view s);

// `s`, escaped.
std::string html_escape(std::string_view s);

}  // namespace parley::text
