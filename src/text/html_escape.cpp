#include "text/html_escape.hpp"

namespace parley::text {

namespace {

constexpr std::string_view k_specials = "&<>\"'";

std::string_view replacement(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    default:  // '\'': &#39; rather than &apos;, which HTML 4 lacks.
      return "&#39;";
  }
}

}  // namespace

void append_escaped(std::string& out, std::string_view s) {
  // Most text has few or no special characters: copy whole runs between them with
  // one append each instead of testing and appending byte by byte.
  std::size_t pos = 0;
  while (true) {
    const std::size_t next = s.find_first_of(k_specials, pos);
    if (next == std::string_view::npos) {
      out.append(s.substr(pos));
      return;
    }
    out.append(s.substr(pos, next - pos));
    out.append(replacement(s[next]));
    pos = next + 1;
  }
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  append_escaped(out, s);
  return out;
}

}  // namespace parley::text
