#pragma once
// An event of a room's log as the HTML fragment the web page appends or swaps in
// (the SSE-HTML stream and the first render share it). Rendered once per event and
// sent to every viewer, so nothing here depends on who is looking: per-viewer
// styling (own messages) keys off data-author in CSS and script.
#include <string>

#include "chat/types.hpp"

namespace parley::web {

std::string event_html(const chat::Event& e);

}  // namespace parley::web
