#pragma once
// HTML of the room log's pieces, shared by the first render of a room, scrollback
// and the SSE-HTML stream. Viewer-independent (DESIGN.md "Web"): who may edit or
// which reaction is the viewer's own is decided in the page by data attributes
// (data-author, data-users) against <body data-user>, never rendered per viewer.
#include <span>
#include <string>
#include <vector>

#include "chat/types.hpp"
#include "store/store.hpp"

namespace parley::web {

// Messages of one author closer than this are grouped under one header.
inline constexpr chat::TimeMs k_group_window_ms = 5 * 60 * 1000;

// An article.msg as the message is now: `note` (may be null) carries its edits and
// reactions; `grouped` continues the previous message's group.
void append_message(std::string& out, const chat::Event& message,
                    const store::MessageAnnotation* note, bool grouped);
// A p.system line for a member event (joined, left, added, removed).
void append_system(std::string& out, const chat::Event& member);
// The pills of a message's reactions (the inside of div.reactions).
void append_reactions(std::string& out, const std::vector<store::MessageAnnotation::Reaction>& r);

// A page of the log (oldest first) as the message list shows it: messages as they
// are now (deleted ones left out), joins and leaves as system lines, edits and
// reactions folded into their messages. `notes` is ordered by seq.
std::string render_log(std::span<const chat::Event> events,
                       std::span<const store::MessageAnnotation> notes);

}  // namespace parley::web
