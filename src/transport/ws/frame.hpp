#pragma once
// RFC 6455 framing, server side, without I/O: parsing the client's frames and
// writing the headers of the server's own.
//
// Why parley frames WebSocket itself rather than through Beast's websocket::stream
// (measured, docs/PERFORMANCE.md findings 2 and 5): Beast's composed write cost
// ~5,000-8,000 instructions and ~20 allocations per delivery, where a server frame
// is a 2-10 byte header in front of bytes the hub already encoded; and its stream
// kept ~6 KB per idle connection (read buffers, timers, coroutine frames), where
// this parser keeps nothing between messages. Beast still parses the HTTP upgrade.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace parley::transport::ws {

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Close codes parley sends (RFC 6455 7.4.1).
namespace close_code {
constexpr std::uint16_t normal = 1000;
constexpr std::uint16_t going_away = 1001;
constexpr std::uint16_t protocol_error = 1002;
constexpr std::uint16_t invalid_data = 1007;  // a text message that is not UTF-8
constexpr std::uint16_t policy = 1008;
constexpr std::uint16_t too_big = 1009;
}  // namespace close_code

// A whole message (text or binary, fragments joined) or one control frame.
struct Frame {
  Opcode opcode = Opcode::text;
  // Unmasked payload: points into the parsed input or into the parser's own buffer
  // for a fragmented message; valid until the next call to next().
  std::string_view payload;
};

class FrameParser {
 public:
  explicit FrameParser(std::size_t max_message_bytes) : max_(max_message_bytes) {}

  enum class Status {
    frame,      // `out` holds the next frame
    need_more,  // `data` ends inside a frame: call again with more
    fail,       // a protocol violation: close the connection with `fail_code`
  };
  // Reads the next frame from `data`, unmasking it in place; `used` is how many
  // bytes of `data` were consumed (also for need_more: a fragment's payload is
  // moved into the parser). On fail the connection is unusable.
  Status next(std::span<char> data, std::size_t& used, Frame& out);
  std::uint16_t fail_code() const noexcept { return fail_code_; }
  // True while a fragmented message is being reassembled.
  bool mid_message() const noexcept { return fragmented_; }
  // Frees the reassembly buffer's memory (an idle connection keeps none).
  void release();

 private:
  Status failed(std::uint16_t code) {
    fail_code_ = code;
    return Status::fail;
  }

  std::size_t max_;
  // Only while a fragmented message is reassembled: fragmented messages are rare,
  // and every idle connection has a parser (saves 24 bytes each).
  std::unique_ptr<std::string> fragments_;
  Opcode fragment_opcode_ = Opcode::text;
  bool fragmented_ = false;
  std::uint16_t fail_code_ = 0;
};

// The header of an unmasked, final server frame with `payload_bytes` of payload.
// Returns how many bytes of `out` it used (2, 4 or 10).
std::size_t encode_header(Opcode opcode, std::size_t payload_bytes,
                          std::array<char, 10>& out) noexcept;

// A whole close frame: `code` and a short `reason` (cut to fit 125 bytes).
std::string close_frame(std::uint16_t code, std::string_view reason);

// A whole control frame (ping or pong) with the payload given (≤ 125 bytes).
std::string control_frame(Opcode opcode, std::string_view payload);

// Whether a peer's close code may appear on the wire (RFC 6455 7.4).
bool valid_close_code(std::uint16_t code) noexcept;

// The code to answer a peer's close frame with, from its payload: 1000 for an empty
// one; the peer's own code echoed (RFC 6455 5.5.1) when it is valid and its reason
// UTF-8; else 1002 (one byte, or a code that may not travel) or 1007 (the reason).
std::uint16_t close_reply_code(std::string_view payload) noexcept;

}  // namespace parley::transport::ws
