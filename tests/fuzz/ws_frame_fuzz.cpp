// Fuzzes ws::FrameParser (src/transport/ws/frame.hpp) with client bytes cut at
// arbitrary points, as ws_session.cpp feeds it: append what a read returned, parse
// frames from the buffer until it needs more, drop what was consumed.
//
// Input: byte 0 sets the message limit (x16: 0..4080 bytes, so over-size messages
// are reached), byte 1 how the rest is cut into reads (see Cuts), the rest is the
// byte stream from the client.
//
// Checked: the frames, the failure and its close code, mid_message() and the bytes
// left unconsumed equal what a reference parser written from RFC 6455 makes of the
// whole stream at once, for every way of cutting it; control frames are at most 125
// bytes and data messages within the limit; and for every close frame, the code we
// answer with (close_reply_code) is one that may travel and follows RFC 6455 7.4.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_check.hpp"
#include "transport/ws/frame.hpp"

namespace {

using parley::fuzz::strict_utf8;
using namespace parley::transport::ws;

using Frames = std::vector<std::pair<Opcode, std::string>>;

struct Outcome {
  Frames frames;
  std::optional<std::uint16_t> fail;  // close code of a protocol violation
  bool mid_message = false;           // inside a fragmented message at the end
  std::size_t left = 0;               // bytes not consumed (a partial frame)
};

// RFC 6455 section 5, for a server that negotiated no extension, over the whole
// stream. Written for reading, not speed.
Outcome reference(std::string_view in, std::size_t max) {
  Outcome out;
  std::size_t pos = 0;
  std::string message;
  Opcode message_op = Opcode::text;
  bool in_message = false;
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(in[pos + i]); };
  auto fail = [&](std::uint16_t code) {
    out.fail = code;
    return out;
  };
  while (true) {
    const std::size_t avail = in.size() - pos;
    out.left = avail;
    out.mid_message = in_message;
    if (avail < 2) return out;
    const bool fin = byte(0) & 0x80;
    const std::uint8_t op = byte(0) & 0x0F;
    if (byte(0) & 0x70) return fail(close_code::protocol_error);  // RSV without extension
    if (!(op <= 2 || (op >= 8 && op <= 10))) return fail(close_code::protocol_error);
    if (!(byte(1) & 0x80)) return fail(close_code::protocol_error);  // clients must mask
    std::uint64_t len = byte(1) & 0x7F;
    std::size_t header = 2;
    if (len == 126) {
      if (avail < 4) return out;
      len = (std::uint64_t{byte(2)} << 8) | byte(3);
      header = 4;
    } else if (len == 127) {
      if (avail < 10) return out;
      len = 0;
      for (std::size_t i = 2; i < 10; ++i) len = (len << 8) | byte(i);
      if (len >> 63) return fail(close_code::protocol_error);  // the top bit must be 0
      header = 10;
    }
    const bool control = op >= 8;
    if (control) {
      if (!fin || len > 125) return fail(close_code::protocol_error);
    } else {
      if (len > max || (in_message ? message.size() : 0) + len > max) {
        return fail(close_code::too_big);
      }
      if ((op == 0) != in_message) return fail(close_code::protocol_error);
    }
    if (avail < header + 4 + len) return out;
    std::string payload(in.substr(pos + header + 4, len));
    for (std::size_t i = 0; i < payload.size(); ++i) {
      payload[i] = static_cast<char>(payload[i] ^ in[pos + header + (i % 4)]);
    }
    pos += header + 4 + len;
    if (control) {
      out.frames.emplace_back(static_cast<Opcode>(op), std::move(payload));
    } else if (op == 0) {
      message += payload;
      if (fin) {
        out.frames.emplace_back(message_op, std::move(message));
        message.clear();
        in_message = false;
      }
    } else if (fin) {
      out.frames.emplace_back(static_cast<Opcode>(op), std::move(payload));
    } else {
      in_message = true;
      message_op = static_cast<Opcode>(op);
      message = std::move(payload);
    }
  }
}

// Read sizes: from 1 byte at a time (seed & 7 == 0) up to reads of 128 bytes, from a
// small PRNG so one seed byte describes every cut.
class Cuts {
 public:
  explicit Cuts(std::uint8_t seed) : state_(seed * 2654435761u + 1), max_(1u << (seed & 7)) {}
  std::size_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return 1 + state_ % max_;
  }

 private:
  std::uint32_t state_;
  std::uint32_t max_;
};

// `cuts` null: the whole stream in one read.
Outcome parse_in_reads(std::string_view in, std::size_t max, Cuts* cuts) {
  Outcome out;
  FrameParser parser(max);
  std::string rbuf;
  std::size_t fed = 0;
  while (fed < in.size()) {
    const std::size_t n = cuts ? std::min(cuts->next(), in.size() - fed) : in.size();
    rbuf.append(in.substr(fed, n));
    fed += n;
    std::size_t pos = 0;
    while (true) {
      Frame f;
      std::size_t used = 0;
      const auto status = parser.next(std::span<char>(rbuf).subspan(pos), used, f);
      FUZZ_CHECK(used <= rbuf.size() - pos);
      pos += used;
      if (status == FrameParser::Status::fail) {
        out.fail = parser.fail_code();
        return out;  // the connection is closed: nothing after this is parsed
      }
      if (status == FrameParser::Status::need_more) break;
      out.frames.emplace_back(f.opcode, std::string(f.payload));
    }
    rbuf.erase(0, pos);
  }
  out.mid_message = parser.mid_message();
  out.left = rbuf.size();
  return out;
}

// RFC 6455 7.4.1 and the IANA registry: the codes a peer may put on the wire.
bool may_travel(std::uint16_t code) {
  switch (code) {
    case 1000:  // normal
    case 1001:  // going away
    case 1002:  // protocol error
    case 1003:  // unsupported data
    case 1007:  // invalid payload data
    case 1008:  // policy violation
    case 1009:  // message too big
    case 1010:  // mandatory extension
    case 1011:  // internal error
    case 1012:  // service restart (IANA)
    case 1013:  // try again later (IANA)
    case 1014:  // bad gateway (IANA)
      return true;
    default:
      return code >= 3000 && code <= 4999;  // libraries and applications
  }
}

void check_close_reply(std::string_view payload) {
  const std::uint16_t reply = close_reply_code(payload);
  FUZZ_CHECK(may_travel(reply));
  if (payload.empty()) {
    FUZZ_CHECK(reply == close_code::normal);
    return;
  }
  if (payload.size() == 1) {
    FUZZ_CHECK(reply == close_code::protocol_error);
    return;
  }
  const auto peer = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                               static_cast<std::uint8_t>(payload[1]));
  FUZZ_CHECK(valid_close_code(peer) == may_travel(peer));
  if (!may_travel(peer)) {
    FUZZ_CHECK(reply == close_code::protocol_error);
  } else if (!strict_utf8(payload.substr(2))) {
    FUZZ_CHECK(reply == close_code::invalid_data);
  } else {
    FUZZ_CHECK(reply == peer);
  }
  // And the frame that carries our answer is a well-formed control frame.
  const std::string frame = close_frame(reply, payload.substr(2));
  FUZZ_CHECK(frame.size() >= 4 && frame.size() <= 2 + 125);
  FUZZ_CHECK(static_cast<std::uint8_t>(frame[0]) == 0x88);
  FUZZ_CHECK(static_cast<std::uint8_t>(frame[1]) == frame.size() - 2);
  FUZZ_CHECK(((static_cast<std::uint8_t>(frame[2]) << 8) | static_cast<std::uint8_t>(frame[3])) ==
             reply);
}

// A server frame header announces exactly `n` bytes, in the shortest form.
void check_header(Opcode op, std::uint64_t n) {
  std::array<char, 10> h{};
  const std::size_t used = encode_header(op, n, h);
  FUZZ_CHECK(used == (n < 126 ? 2u : n <= 0xFFFF ? 4u : 10u));
  FUZZ_CHECK(static_cast<std::uint8_t>(h[0]) == (0x80 | static_cast<std::uint8_t>(op)));
  std::uint64_t len = static_cast<std::uint8_t>(h[1]);
  FUZZ_CHECK(len < 128);  // a server never masks
  if (len >= 126) {
    std::uint64_t wide = 0;
    for (std::size_t i = 2; i < used; ++i) wide = (wide << 8) | static_cast<std::uint8_t>(h[i]);
    len = wide;
  }
  FUZZ_CHECK(len == n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t max = std::size_t{data[0]} * 16;
  const std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Outcome want = reference(in, max);
  Cuts cuts(data[1]);
  const Outcome got = parse_in_reads(in, max, &cuts);
  FUZZ_CHECK(got.frames == want.frames);
  FUZZ_CHECK(got.fail == want.fail);
  if (!want.fail) {
    FUZZ_CHECK(got.mid_message == want.mid_message);
    FUZZ_CHECK(got.left == want.left);
  }
  // The whole stream in one read must agree too (the cut that ws_session sees most).
  const Outcome whole = parse_in_reads(in, max, nullptr);
  FUZZ_CHECK(whole.frames == want.frames && whole.fail == want.fail);

  for (const auto& [op, payload] : got.frames) {
    FUZZ_CHECK(op != Opcode::continuation);
    if (op == Opcode::text || op == Opcode::binary) {
      FUZZ_CHECK(payload.size() <= max);
    } else {
      FUZZ_CHECK(payload.size() <= 125);
    }
    if (op == Opcode::close) check_close_reply(payload);
    check_header(op, payload.size());
  }
  check_header(Opcode::text, std::uint64_t{in.size()} << (data[1] & 31));
  return 0;
}
