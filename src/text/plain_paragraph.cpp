#include "text/plain_paragraph.hpp"

namespace parley::text {

namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_alnum(char c) {
  return is_alpha(c) || (c >= '0' && c <= '9');
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Characters that can start or be part of markup anywhere in a line: escapes, code,
// emphasis, links and images, raw HTML and autolinks, entities, strikethrough.
bool is_markup(char c) {
  switch (c) {
    case '\\':
    case '`':
    case '*':
    case '_':
    case '[':
    case ']':
    case '<':
    case '&':
    case '~':
      return true;
    default:
      return false;
  }
}

// A line's first character decides whether it opens a block (heading, list, quote,
// code, thematic break, HTML, table, link reference definition); these never do.
bool is_plain_start(char c) {
  return is_alpha(c) || c == '@' || c == '(' || c == '"' || c == '\'';
}

// GFM's extended autolinks: "www." (any case), a scheme followed by "://", and an
// e-mail address, which needs a letter, digit or one of "+-._" right before its '@'.
bool may_autolink(std::string_view text, std::size_t i) {
  const char c = text[i];
  if (c == ':') return i + 1 < text.size() && text[i + 1] == '/';
  if (c == '@') {
    if (i == 0) return false;
    const char before = text[i - 1];
    return is_alnum(before) || before == '+' || before == '-' || before == '.' || before == '_';
  }
  if (lower(c) == 'w') {
    return i + 3 < text.size() && lower(text[i + 1]) == 'w' && lower(text[i + 2]) == 'w' &&
           text[i + 3] == '.';
  }
  return false;
}

}  // namespace

std::optional<std::string> render_plain_paragraph(std::string_view text) {
  // cmark trims a paragraph's leading and trailing spaces; a text that has any takes
  // the slow path rather than a copy of that rule.
  if (text.empty() || !is_plain_start(text.front()) || text.back() == ' ') return std::nullopt;
  std::size_t escaped = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c < 0x20 || c > 0x7e || is_markup(c)) return std::nullopt;
    // Only these three can start an autolink; checking them alone keeps the scan cheap.
    if ((c == ':' || c == '@' || c == 'w' || c == 'W') && may_autolink(text, i)) {
      return std::nullopt;
    }
    if (c == '"' || c == '>') ++escaped;
  }
  std::string html;
  html.reserve(text.size() + escaped * 5 + 9);
  html += "<p>";
  if (escaped == 0) {
    html += text;
  } else {
    // What cmark's HTML renderer escapes in text ('<' and '&' never get here).
    for (const char c : text) {
      if (c == '"') {
        html += "&quot;";
      } else if (c == '>') {
        html += "&gt;";
      } else {
        html += c;
      }
    }
  }
  html += "</p>\n";
  return html;
}

}  // namespace parley::text
