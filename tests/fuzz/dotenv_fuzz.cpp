// Fuzzes the .env parser (src/app/dotenv.hpp) with file contents.
//
// Input: the text of a .env file, as is.
//
// Checked, from the header: parsing never throws; every key is a shell variable
// name; every error reads "<source>:<line>: <problem>" with a line of the file, in
// line order, at most one per line; lines are independent, so the file twice over
// gives the same values and each error twice, the second time a file's length of
// lines later; and what a value holds survives being written back as KEY="..." with
// the escapes the header lists and read again.
#include <cstdint>
#include <string>
#include <string_view>

#include "app/dotenv.hpp"
#include "fuzz_check.hpp"

namespace {

using parley::app::Dotenv;
using parley::app::parse_dotenv;

bool is_variable_name(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// How many lines the parser walks: the text split at '\n', without an empty last one.
std::size_t line_count(std::string_view text) {
  if (text.empty()) return 0;
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n + (text.back() != '\n');
}

// "f:12: problem" -> 12, after checking the shape.
std::size_t error_line(std::string_view error, std::string_view source) {
  FUZZ_CHECK(error.starts_with(source) && error.size() > source.size() + 1 &&
             error[source.size()] == ':');
  std::string_view rest = error.substr(source.size() + 1);
  std::size_t line = 0, digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
    line = line * 10 + static_cast<std::size_t>(rest[digits] - '0');
    ++digits;
  }
  FUZZ_CHECK(digits > 0 && rest[0] != '0');
  rest.remove_prefix(digits);
  FUZZ_CHECK(rest.starts_with(": ") && rest.size() > 2);
  return line;
}

std::string problem_of(std::string_view error) {
  const std::size_t at = error.find(": ");
  return std::string(error.substr(at + 2));
}

std::string double_quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Dotenv env = parse_dotenv(text, "f");

  const std::string_view body = text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
  const std::size_t lines = line_count(body);
  std::size_t last_line = 0;
  for (const auto& e : env.errors) {
    const std::size_t line = error_line(e, "f");
    FUZZ_CHECK(line > last_line && line <= lines);
    last_line = line;
  }
  for (const auto& [key, value] : env.values) FUZZ_CHECK(is_variable_name(key));

  // Twice over (the second copy on a line of its own, and without the byte order
  // mark, which only counts at the very start).
  std::string twice(text);
  if (!twice.empty() && twice.back() != '\n') twice += '\n';
  twice += body;
  const Dotenv env2 = parse_dotenv(twice, "f");
  FUZZ_CHECK(env2.values == env.values);
  FUZZ_CHECK(env2.errors.size() == 2 * env.errors.size());
  for (std::size_t i = 0; i < env.errors.size(); ++i) {
    const auto& first = env2.errors[i];
    const auto& second = env2.errors[i + env.errors.size()];
    FUZZ_CHECK(first == env.errors[i]);
    FUZZ_CHECK(error_line(second, "f") == error_line(first, "f") + lines);
    FUZZ_CHECK(problem_of(second) == problem_of(first));
  }

  // Written back, double-quoted, with a comment after some (allowed after a quote).
  std::string written;
  bool comment = false;
  for (const auto& [key, value] : env.values) {
    written += (comment ? "export " : "") + key + "=" + double_quoted(value);
    written += comment ? "  # note\n" : "\n";
    comment = !comment;
  }
  const Dotenv back = parse_dotenv(written, "w");
  FUZZ_CHECK(back.errors.empty());
  FUZZ_CHECK(back.values == env.values);
  return 0;
}
