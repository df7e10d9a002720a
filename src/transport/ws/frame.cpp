#include "transport/ws/frame.hpp"

#include <algorithm>

#include "chat/validate.hpp"

namespace parley::transport::ws {

namespace {

bool is_control(std::uint8_t op) {
  return op & 0x8;
}

bool known_opcode(std::uint8_t op) {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

void unmask(char* p, std::size_t n, const char* key) {
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<char>(p[i] ^ key[i & 3]);
}

}  // namespace

void FrameParser::release() {
  fragments_.reset();
  fragmented_ = false;
}

FrameParser::Status FrameParser::next(std::span<char> data, std::size_t& used, Frame& out) {
  used = 0;
  // The last call may have returned the reassembled message; it has been read.
  if (!fragmented_ && fragments_) fragments_.reset();
  while (true) {
    auto rest = data.subspan(used);
    if (rest.size() < 2) return Status::need_more;
    const auto b0 = static_cast<std::uint8_t>(rest[0]);
    const auto b1 = static_cast<std::uint8_t>(rest[1]);
    const bool fin = b0 & 0x80;
    const std::uint8_t op = b0 & 0x0F;
    // No extension is ever negotiated, so any RSV bit is a protocol error; and
    // every client frame is masked (RFC 6455 5.1).
    if (b0 & 0x70) return failed(close_code::protocol_error);
    if (!known_opcode(op)) return failed(close_code::protocol_error);
    if (!(b1 & 0x80)) return failed(close_code::protocol_error);
    std::uint64_t len = b1 & 0x7F;
    std::size_t header = 2;
    if (len == 126) {
      if (rest.size() < 4) return Status::need_more;
      len = (std::uint64_t{static_cast<std::uint8_t>(rest[2])} << 8) |
            static_cast<std::uint8_t>(rest[3]);
      header = 4;
    } else if (len == 127) {
      if (rest.size() < 10) return Status::need_more;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | static_cast<std::uint8_t>(rest[2 + i]);
      if (len >> 63) return failed(close_code::protocol_error);
      header = 10;
    }
    header += 4;  // the masking key
    if (is_control(op)) {
      if (!fin || len > 125) return failed(close_code::protocol_error);
    } else {
      // Refuse an over-size message from its header, before buffering any of it.
      const std::uint64_t so_far = fragmented_ ? fragments_->size() : 0;
      if (len > max_ || so_far + len > max_) return failed(close_code::too_big);
      if (op == static_cast<std::uint8_t>(Opcode::continuation) && !fragmented_) {
        return failed(close_code::protocol_error);
      }
      if (op != static_cast<std::uint8_t>(Opcode::continuation) && fragmented_) {
        return failed(close_code::protocol_error);
      }
    }
    if (rest.size() < header + len) return Status::need_more;
    char* payload = rest.data() + header;
    unmask(payload, len, payload - 4);
    used += header + len;
    const std::string_view bytes(payload, len);
    if (is_control(op)) {
      out = {static_cast<Opcode>(op), bytes};
      return Status::frame;
    }
    if (op == static_cast<std::uint8_t>(Opcode::continuation)) {
      fragments_->append(bytes);
      if (!fin) continue;
      fragmented_ = false;
      out = {fragment_opcode_, *fragments_};
      return Status::frame;
    }
    if (fin) {
      out = {static_cast<Opcode>(op), bytes};
      return Status::frame;
    }
    fragmented_ = true;
    fragment_opcode_ = static_cast<Opcode>(op);
    fragments_ = std::make_unique<std::string>(bytes);
  }
}

std::size_t encode_header(Opcode opcode, std::size_t n, std::array<char, 10>& out) noexcept {
  out[0] = static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode));
  if (n < 126) {
    out[1] = static_cast<char>(n);
    return 2;
  }
  if (n <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<char>(n >> 8);
    out[3] = static_cast<char>(n & 0xFF);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i)
    out[2 + i] = static_cast<char>((std::uint64_t{n} >> (56 - 8 * i)) & 0xFF);
  return 10;
}

std::string control_frame(Opcode opcode, std::string_view payload) {
  payload = payload.substr(0, 125);
  std::array<char, 10> header{};
  std::string out(header.data(), encode_header(opcode, payload.size(), header));
  out.append(payload);
  return out;
}

std::string close_frame(std::uint16_t code, std::string_view reason) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason.substr(0, 123));
  return control_frame(Opcode::close, payload);
}

bool valid_close_code(std::uint16_t code) noexcept {
  if (code >= 3000 && code <= 4999) return true;  // registered and private use
  if (code < 1000 || code > 1014) return false;
  // 1004 is reserved; 1005 and 1006 only ever describe a close, never travel.
  return code != 1004 && code != 1005 && code != 1006;
}

std::uint16_t close_reply_code(std::string_view payload) noexcept {
  if (payload.empty()) return close_code::normal;
  if (payload.size() == 1) return close_code::protocol_error;
  const auto peer = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                               static_cast<std::uint8_t>(payload[1]));
  if (!valid_close_code(peer)) return close_code::protocol_error;
  if (!chat::is_valid_utf8(payload.substr(2))) return close_code::invalid_data;
  return peer;
}

}  // namespace parley::transport::ws
