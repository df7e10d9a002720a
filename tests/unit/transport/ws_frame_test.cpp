#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "transport/ws/frame.hpp"

namespace parley::transport::ws {
namespace {

// A client frame as a browser sends it: masked with `key`.
std::string client_frame(std::uint8_t first_byte, std::string_view payload,
                         std::array<char, 4> key = {'\x12', '\x34', '\x56', '\x78'}) {
  std::string out;
  out.push_back(static_cast<char>(first_byte));
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i)
      out.push_back(static_cast<char>((std::uint64_t{n} >> (8 * i)) & 0xFF));
  }
  out.append(key.data(), 4);
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(payload[i] ^ key[i & 3]));
  return out;
}

constexpr std::uint8_t k_fin = 0x80;

struct Parsed {
  std::vector<std::pair<Opcode, std::string>> frames;
  FrameParser::Status last = FrameParser::Status::need_more;
  std::size_t consumed = 0;
};

Parsed parse_all(FrameParser& parser, std::string& bytes) {
  Parsed out;
  std::size_t pos = 0;
  while (true) {
    Frame f;
    std::size_t used = 0;
    out.last = parser.next(std::span<char>(bytes).subspan(pos), used, f);
    pos += used;
    if (out.last != FrameParser::Status::frame) break;
    out.frames.emplace_back(f.opcode, std::string(f.payload));
  }
  out.consumed = pos;
  return out;
}

TEST(WsFrameParser, UnmasksTextFramesOfEachLengthEncoding) {
  for (std::size_t n : {0u, 5u, 125u, 126u, 65535u, 65536u, 70000u}) {
    FrameParser parser(1 << 20);
    std::string payload(n, 'a');
    for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<char>('a' + i % 26);
    auto bytes = client_frame(k_fin | 0x1, payload);
    auto r = parse_all(parser, bytes);
    ASSERT_EQ(r.frames.size(), 1u) << n;
    EXPECT_EQ(r.frames[0].first, Opcode::text);
    EXPECT_EQ(r.frames[0].second, payload) << n;
    EXPECT_EQ(r.consumed, bytes.size());
  }
}

TEST(WsFrameParser, WaitsForMoreAtEveryCutOfAFrame) {
  const std::string payload(300, 'x');
  const auto whole = client_frame(k_fin | 0x1, payload);
  for (std::size_t cut = 0; cut < whole.size(); ++cut) {
    FrameParser parser(1 << 20);
    std::string part = whole.substr(0, cut);
    auto r = parse_all(parser, part);
    EXPECT_TRUE(r.frames.empty()) << cut;
    EXPECT_EQ(r.last, FrameParser::Status::need_more) << cut;
    EXPECT_EQ(r.consumed, 0u) << cut;
  }
}

TEST(WsFrameParser, ReadsSeveralFramesFromOneBuffer) {
  FrameParser parser(1024);
  auto bytes = client_frame(k_fin | 0x1, "one") + client_frame(k_fin | 0x2, "two") +
               client_frame(k_fin | 0x9, "ping?") + client_frame(k_fin | 0x1, "thr");
  bytes += client_frame(k_fin | 0x1, "four").substr(0, 3);  // a partial frame at the end
  auto r = parse_all(parser, bytes);
  ASSERT_EQ(r.frames.size(), 4u);
  EXPECT_EQ(r.frames[1], std::make_pair(Opcode::binary, std::string("two")));
  EXPECT_EQ(r.frames[2], std::make_pair(Opcode::ping, std::string("ping?")));
  EXPECT_EQ(r.last, FrameParser::Status::need_more);
  EXPECT_EQ(bytes.size() - r.consumed, 3u);
}

TEST(WsFrameParser, JoinsFragmentsWithControlFramesBetween) {
  FrameParser parser(1024);
  auto bytes = client_frame(0x1, "Hel") + client_frame(k_fin | 0x9, "p") +
               client_frame(0x0, "lo, ") + client_frame(k_fin | 0x0, "world");
  auto r = parse_all(parser, bytes);
  ASSERT_EQ(r.frames.size(), 2u);
  EXPECT_EQ(r.frames[0].first, Opcode::ping);
  EXPECT_EQ(r.frames[1], std::make_pair(Opcode::text, std::string("Hello, world")));
  EXPECT_FALSE(parser.mid_message());
}

TEST(WsFrameParser, KeepsAFragmentAcrossCalls) {
  FrameParser parser(1024);
  auto first = client_frame(0x1, "ab");
  auto r1 = parse_all(parser, first);
  EXPECT_TRUE(r1.frames.empty());
  EXPECT_EQ(r1.consumed, first.size()) << "a fragment's bytes are taken by the parser";
  EXPECT_TRUE(parser.mid_message());
  auto second = client_frame(k_fin | 0x0, "cd");
  auto r2 = parse_all(parser, second);
  ASSERT_EQ(r2.frames.size(), 1u);
  EXPECT_EQ(r2.frames[0].second, "abcd");
}

void expect_fail(std::string bytes, std::uint16_t code, std::size_t max = 1024) {
  FrameParser parser(max);
  auto r = parse_all(parser, bytes);
  EXPECT_EQ(r.last, FrameParser::Status::fail);
  EXPECT_EQ(parser.fail_code(), code);
}

TEST(WsFrameParser, RefusesProtocolViolations) {
  std::string unmasked = {static_cast<char>(k_fin | 0x1), 0x02, 'h', 'i'};
  expect_fail(unmasked, close_code::protocol_error);
  expect_fail(client_frame(k_fin | 0x40 | 0x1, "rsv1"), close_code::protocol_error);
  expect_fail(client_frame(k_fin | 0x3, "reserved opcode"), close_code::protocol_error);
  expect_fail(client_frame(k_fin | 0xB, "reserved control"), close_code::protocol_error);
  expect_fail(client_frame(0x9, "fragmented ping"), close_code::protocol_error);
  expect_fail(client_frame(k_fin | 0x9, std::string(126, 'p')), close_code::protocol_error);
  expect_fail(client_frame(k_fin | 0x0, "continuation first"), close_code::protocol_error);
  expect_fail(client_frame(0x1, "a") + client_frame(k_fin | 0x1, "new message mid-way"),
              close_code::protocol_error);
}

TEST(WsFrameParser, RefusesOverSizeMessagesFromTheHeader) {
  // Only the header of a 1 MB frame: refused before its payload arrives.
  auto header = client_frame(k_fin | 0x2, std::string(1 << 20, 'z')).substr(0, 14);
  expect_fail(header, close_code::too_big, 1000);
  // Fragments adding up past the limit.
  expect_fail(
      client_frame(0x1, std::string(600, 'a')) + client_frame(k_fin | 0x0, std::string(600, 'b')),
      close_code::too_big, 1000);
  // A 64-bit length with the top bit set.
  std::string huge = {static_cast<char>(k_fin | 0x2), static_cast<char>(0x80 | 127)};
  huge += std::string("\x80\0\0\0\0\0\0\0", 8) + "mask";
  expect_fail(huge, close_code::protocol_error);
}

TEST(WsFrameEncoding, HeadersForEachLength) {
  std::array<char, 10> h{};
  ASSERT_EQ(encode_header(Opcode::text, 5, h), 2u);
  EXPECT_EQ(static_cast<std::uint8_t>(h[0]), 0x81);
  EXPECT_EQ(h[1], 5);
  ASSERT_EQ(encode_header(Opcode::binary, 300, h), 4u);
  EXPECT_EQ(static_cast<std::uint8_t>(h[0]), 0x82);
  EXPECT_EQ(static_cast<std::uint8_t>(h[1]), 126);
  EXPECT_EQ((static_cast<std::uint8_t>(h[2]) << 8) | static_cast<std::uint8_t>(h[3]), 300);
  ASSERT_EQ(encode_header(Opcode::text, 70000, h), 10u);
  EXPECT_EQ(static_cast<std::uint8_t>(h[1]), 127);
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n = (n << 8) | static_cast<std::uint8_t>(h[2 + i]);
  EXPECT_EQ(n, 70000u);
}

TEST(WsFrameEncoding, CloseFrameCarriesCodeAndReason) {
  auto f = close_frame(close_code::going_away, "bye");
  ASSERT_EQ(f.size(), 2u + 2u + 3u);
  EXPECT_EQ(static_cast<std::uint8_t>(f[0]), 0x88);
  EXPECT_EQ(f[1], 5);
  EXPECT_EQ((static_cast<std::uint8_t>(f[2]) << 8) | static_cast<std::uint8_t>(f[3]), 1001);
  EXPECT_EQ(f.substr(4), "bye");
  EXPECT_LE(close_frame(1000, std::string(500, 'r')).size(), 2u + 125u);
}

TEST(WsFrameEncoding, ValidCloseCodes) {
  for (std::uint16_t ok :
       {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4001, 4999}) {
    EXPECT_TRUE(valid_close_code(ok)) << ok;
  }
  for (std::uint16_t bad : {0, 999, 1004, 1005, 1006, 1015, 1100, 2999, 5000}) {
    EXPECT_FALSE(valid_close_code(bad)) << bad;
  }
}

TEST(WsFrameEncoding, CloseReplyEchoesAValidCodeAndRefusesTheRest) {
  using namespace std::string_view_literals;
  EXPECT_EQ(close_reply_code(""), close_code::normal);
  EXPECT_EQ(close_reply_code("\x03"), close_code::protocol_error);  // half a code
  EXPECT_EQ(close_reply_code("\x03\xE9"), 1001);                    // echoed
  EXPECT_EQ(close_reply_code("\x0F\xA1"
                             "bye"),
            4001);
  EXPECT_EQ(close_reply_code("\x03\xED"), close_code::protocol_error);        // 1005 never travels
  EXPECT_EQ(close_reply_code("\x00\x00"sv), close_code::protocol_error);      // 0
  EXPECT_EQ(close_reply_code("\x03\xE8\xC3\x28"), close_code::invalid_data);  // bad UTF-8
}

}  // namespace
}  // namespace parley::transport::ws
