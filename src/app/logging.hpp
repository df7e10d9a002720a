#pragma once
// Process-wide logging set-up. After init_logging every spdlog call (spdlog::info,
// spdlog::warn, ...) writes one line per event to stderr:
//
//   2024-05-01T12:00:00.123Z info  [4711] listening on 0.0.0.0:8080
//   <UTC time, ms>           level  thread  message
//
// "One line" is a promise: control characters in a message (a newline in a user
// name, say) are written escaped (\n, \r, \t, \xHH), so a log line can neither be
// split nor forged by input that ends up in a message.
//
// LOG_FORMAT=json writes instead one JSON object per line, for log collectors:
//
//   {"time":"2024-05-01T12:00:00.123Z","level":"info","thread":4711,"msg":"listening ..."}
//
// always with time, level, thread and msg (and "source" when the call site gave
// one); strings are JSON-escaped and invalid UTF-8 becomes U+FFFD, so every line
// parses.
#include <array>
#include <string>
#include <string_view>

namespace parley::app {

// The values LOG_LEVEL accepts, most verbose first.
inline constexpr std::array<std::string_view, 6> k_log_levels{"trace", "debug", "info",
                                                              "warn",  "error", "off"};

// True when level is one of k_log_levels (exact, lower case).
bool is_log_level(std::string_view level) noexcept;

// The values LOG_FORMAT accepts; the first is the default.
inline constexpr std::array<std::string_view, 2> k_log_formats{"text", "json"};

// True when format is one of k_log_formats (exact, lower case).
bool is_log_format(std::string_view format) noexcept;

// Whether escape_controls writes \n, \r and \t by name or, like every other control
// character, as \xHH.
enum class NamedEscapes : bool { no, yes };

// s with each control character (C0 and DEL) replaced by a backslash escape, so
// that it stays one line and still shows what it held: the text log's escaping
// (NamedEscapes::yes), also used for values quoted in configuration problems.
// Every other byte, UTF-8 included, is kept as it is.
std::string escape_controls(std::string_view s, NamedEscapes named);

// Installs the stderr logger as spdlog's default and sets its level and format.
// Throws std::invalid_argument for a level not in k_log_levels or a format not in
// k_log_formats. Call it from main before other threads log; calling it again
// replaces the logger (tests do).
void init_logging(std::string_view level, std::string_view format = "text");

}  // namespace parley::app
