#include "app/dotenv.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

namespace parley::app {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// The same rule as a POSIX shell variable name, so a file that works with
// `set -a; . ./.env` works here too.
bool is_variable_name(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(s.front())) return false;
  for (char c : s) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

// After a closing quote only whitespace or a comment may follow.
bool only_comment_left(std::string_view rest) {
  rest = trim_left(rest);
  return rest.empty() || rest.front() == '#';
}

struct LineResult {
  std::string key;
  std::string value;
  std::string error;  // empty when the line parsed
};

LineResult parse_assignment(std::string_view s) {
  LineResult r;
  if (s.starts_with("export") && s.size() > 6 && is_blank(s[6])) s = trim_left(s.substr(6));
  const auto eq = s.find('=');
  if (eq == std::string_view::npos) {
    r.error = "expected KEY=VALUE";
    return r;
  }
  const auto key = trim_right(s.substr(0, eq));
  if (!is_variable_name(key)) {
    // Built by append: GCC 12 at -O3 reports a false -Wrestrict for "'" + string.
    r.error.append("'").append(key).append("' is not a valid variable name");
    return r;
  }
  r.key = key;
  const std::string_view raw = s.substr(eq + 1);
  const std::string_view rest = trim_left(raw);

  if (!rest.empty() && rest.front() == '\'') {
    const auto close = rest.find('\'', 1);
    if (close == std::string_view::npos) {
      r.error = "unterminated single quote";
    } else if (!only_comment_left(rest.substr(close + 1))) {
      r.error = "unexpected text after the closing quote";
    } else {
      r.value = rest.substr(1, close - 1);
    }
    return r;
  }

  if (!rest.empty() && rest.front() == '"') {
    std::string value;
    for (std::size_t i = 1; i < rest.size(); ++i) {
      const char c = rest[i];
      if (c == '"') {
        if (!only_comment_left(rest.substr(i + 1))) {
          r.error = "unexpected text after the closing quote";
        } else {
          r.value = std::move(value);
        }
        return r;
      }
      if (c == '\\' && i + 1 < rest.size()) {
        const char n = rest[++i];
        switch (n) {
          case 'n':
            value += '\n';
            break;
          case 'r':
            value += '\r';
            break;
          case 't':
            value += '\t';
            break;
          case '"':
            value += '"';
            break;
          case '\\':
            value += '\\';
            break;
          // Unknown escapes stay as written, as in a shell's double quotes.
          default:
            value += '\\';
            value += n;
            break;
        }
        continue;
      }
      value += c;
    }
    r.error = "unterminated double quote";
    return r;
  }

  // Unquoted: a '#' starts a comment only after whitespace, so a value such as a
  // URL fragment or a secret containing '#' survives.
  std::size_t end = raw.size();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '#' && (i == 0 ? false : is_blank(raw[i - 1]))) {
      end = i;
      break;
    }
  }
  r.value = trim_right(trim_left(raw.substr(0, end)));
  return r;
}

}  // namespace

Dotenv parse_dotenv(std::string_view text, std::string_view source) {
  Dotenv out;
  // Editors on Windows may save a byte order mark; it is not part of the first key.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);

    const auto s = trim_left(line);
    if (s.empty() || s.front() == '#') continue;
    auto r = parse_assignment(s);
    if (!r.error.empty()) {
      out.errors.push_back(std::string(source) + ":" + std::to_string(line_no) + ": " + r.error);
      continue;
    }
    out.values[std::move(r.key)] = std::move(r.value);
  }
  return out;
}

Dotenv read_dotenv(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Dotenv out;
    out.errors.push_back(path.string() + ": cannot be read");
    return out;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_dotenv(text.str(), path.string());
}

}  // namespace parley::app
