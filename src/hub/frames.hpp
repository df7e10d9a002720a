#pragma once
// One event, encoded once per wire format (DESIGN.md "Threads and the hot path").
// Shared by every subscriber that sends it, on every shard, so it is safe to read
// from any thread. A stored event's formats are encoded lazily, each on first use
// by whichever thread asks first: an event nobody subscribes to (or no SSE-HTML
// page) costs no encoding at all, and the store's writer thread, which publishes,
// does none (docs/PERFORMANCE.md, Findings 4).
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace parley::hub {

using FramePtr = std::shared_ptr<const std::string>;

enum class Format : std::uint8_t {
  ws,        // one JSON object, the payload of a WebSocket text frame
  sse_json,  // a complete SSE event for /api/rooms/{id}/events
  sse_html,  // a complete SSE event for the web page stream
  count
};

inline constexpr std::size_t k_formats = static_cast<std::size_t>(Format::count);

struct Frames {
  std::string room;
  std::int64_t seq = 0;  // 0 for transient events (typing, read, presence): no ordering
  // SINGLE_SESSION's kick (service/sessions.hpp), on a user's channel: every
  // connection of the user that opened before the one with this serial is to close.
  // 0 on every other frame.
  std::uint64_t kick_before = 0;
  // Either every format given up front (transient events)...
  std::array<FramePtr, k_formats> by_format;
  // ...or, when set, made on demand: called at most once per format, on any thread.
  std::function<FramePtr(Format)> encode;

  const FramePtr& get(Format f) const {
    const auto i = static_cast<std::size_t>(f);
    if (!encode) return by_format[i];
    std::call_once(once_[i], [&] { lazy_[i] = encode(f); });
    return lazy_[i];
  }

 private:
  mutable std::array<std::once_flag, k_formats> once_;
  mutable std::array<FramePtr, k_formats> lazy_;
};

using FramesPtr = std::shared_ptr<const Frames>;

inline FramePtr make_frame(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

}  // namespace parley::hub
