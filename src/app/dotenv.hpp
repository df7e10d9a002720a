#pragma once
// Reads a .env file (API.md "Configuration": read from the working directory if
// present; the real environment wins, which is load_config's job, not this one's).
//
// Accepted syntax, one assignment per line:
//   KEY=value                  unquoted; trailing whitespace and a " # comment" are dropped
//   export KEY=value           the shell prefix is allowed and ignored
//   KEY='literal $value'       single quotes: taken verbatim, no escapes
//   KEY="a\nb \"quoted\""      double quotes: \n \r \t \" \\ are unescaped
//   # comment, blank lines     ignored
// Values are not expanded (${OTHER} stays as written) and cannot span lines.
// A later assignment to the same key replaces an earlier one.
//
// Parsing never throws: a malformed line is reported as "<source>:<line>: <problem>"
// and skipped, so a caller can show every problem of a file at once.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace parley::app {

struct Dotenv {
  std::map<std::string, std::string> values;
  std::vector<std::string> errors;  // "<source>:<line>: <problem>", in line order
};

// Parses the text of a .env file; source names the file in error messages.
Dotenv parse_dotenv(std::string_view text, std::string_view source = ".env");

// Reads and parses path. A missing file is not an error (an empty Dotenv); a file
// that exists but cannot be read is reported in errors.
Dotenv read_dotenv(const std::filesystem::path& path);

}  // namespace parley::app
