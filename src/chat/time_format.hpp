#pragma once
// How parley writes a time: RFC 3339 in UTC with milliseconds,
// "2026-11-23T03:06:53.058Z". One formatter for the API's JSON, the pages and the
// JSON log, so every time a client or an operator reads has the same shape:
// readable in logs and curl, parsed by every client's Date type, and sorting as
// text the way it sorts as time (fixed width, for years 0 to 9999).
// Standard library only; pure, any thread.
#include <string>

#include "chat/types.hpp"

namespace parley::chat {

// ms since the Unix epoch (negative: before it), always exact to the millisecond.
std::string format_time(TimeMs ms);

}  // namespace parley::chat
