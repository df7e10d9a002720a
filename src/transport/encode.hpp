#pragma once
// Wire encodings of events and transient notices. An event is encoded here once
// per format and the result is shared by every subscriber (hub::Frames).
#include <functional>
#include <string>
#include <string_view>

#include "chat/types.hpp"
#include "hub/frames.hpp"

namespace parley::transport {

using HtmlRenderer = std::function<std::string(const chat::Event&)>;

// A stored event in every format: WebSocket `{type:"event",...}`, SSE-JSON with
// `id:`, and, when a renderer is given, SSE-HTML with one `data:` line per HTML line.
// Each format is encoded on its first use (hub::Frames::get), not here.
hub::FramesPtr encode_event(chat::Event e, HtmlRenderer render_html);

// A transient event (no seq, no `id:`): `payload` is its JSON object, `name` its
// type/SSE event name. The WebSocket form is the payload itself (it carries `type`);
// the SSE form is `event: <name>` with the payload as data. The HTML stream gets
// the same JSON (the page's script handles typing/read notices).
hub::FramesPtr encode_transient(const std::string& room, std::string_view name,
                                const std::string& ws_payload, const std::string& sse_data);

// `reset` (API.md guarantee 2): the resume point is older than retention keeps.
hub::FramePtr encode_reset_sse(chat::Seq earliest_seq);
hub::FramePtr encode_reset_ws(const std::string& room, chat::Seq earliest_seq);

// An SSE event from parts; data may hold newlines (one `data:` line each).
std::string sse_event(std::string_view id, std::string_view event, std::string_view data);

}  // namespace parley::transport
