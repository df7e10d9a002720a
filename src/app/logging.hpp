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
#include <array>
#include <string_view>

namespace parley::app {

// The values LOG_LEVEL accepts, most verbose first.
inline constexpr std::array<std::string_view, 6> k_log_levels{"trace", "debug", "info",
                                                              "warn",  "error", "off"};

// True when level is one of k_log_levels (exact, lower case).
bool is_log_level(std::string_view level) noexcept;

// Installs the stderr logger as spdlog's default and sets its level. Throws
// std::invalid_argument for a level not in k_log_levels. Call it from main before
// other threads log; calling it again replaces the logger (tests do).
void init_logging(std::string_view level);

}  // namespace parley::app
