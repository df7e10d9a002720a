#pragma once
// One event, encoded once per wire format (DESIGN.md "encode once, write many").
// Immutable after construction and shared by every subscriber that sends it, on
// every shard, so it is safe to read from any thread.
#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace parley::hub {

using FramePtr = std::shared_ptr<const std::string>;

enum class Format : std::uint8_t {
  ws,        // one JSON object, the payload of a WebSocket text frame
  sse_json,  // a complete SSE event for /api/rooms/{id}/events
  sse_html,  // a complete SSE event for the web page stream
  count
};

struct Frames {
  std::string room;
  std::int64_t seq = 0;  // 0 for transient events (typing, read, presence): no ordering
  std::array<FramePtr, static_cast<std::size_t>(Format::count)> by_format;

  const FramePtr& get(Format f) const noexcept { return by_format[static_cast<std::size_t>(f)]; }
};

using FramesPtr = std::shared_ptr<const Frames>;

inline FramePtr make_frame(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

}  // namespace parley::hub
