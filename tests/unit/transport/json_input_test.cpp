#include "transport/json_input.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

namespace parley::transport {
namespace {

TEST(JsonInput, ReadsTheFieldsOfAnObject) {
  auto in = JsonInput::parse(R"({"room":"r1","seq":7,"on":true})", {"room", "seq", "on"});
  ASSERT_TRUE(in);
  EXPECT_EQ(*in->string("room"), "r1");
  EXPECT_EQ(*in->integer("seq"), 7);
  EXPECT_TRUE(*in->boolean("on"));
  EXPECT_EQ(in->string("seq").error().message, "field 'seq' must be a string");
}

TEST(JsonInput, RefusesBadUtf8UnknownFieldsAndNonObjects) {
  EXPECT_EQ(parse_json_object("{\"a\":\"\xC3\x28\"}").error().message, "body is not valid UTF-8");
  EXPECT_EQ(JsonInput::parse(R"({"room":"r","x":1})", {"room"}).error().message,
            "unknown field 'x'");
  EXPECT_EQ(parse_json_object("[1]").error().message, "expected a JSON object");
}

// Found by tests/fuzz/json_input_fuzz.cpp: 1e400 was read as infinity, which
// Boost.JSON writes as `Infinity`, so a WebSocket error echoing the frame's "room"
// sent the client a frame that is not JSON.
TEST(JsonInput, RefusesNumbersBeyondADoublesRange) {
  for (const char* text : {R"({"room":1e400})", R"({"room":-1e999})", R"({"a":[{"b":1e309}]})"}) {
    auto obj = parse_json_object(text);
    ASSERT_FALSE(obj) << text << " -> " << boost::json::serialize(*obj);
    EXPECT_EQ(obj.error().kind, chat::ErrorKind::bad_request);
    EXPECT_EQ(obj.error().message, "malformed JSON: number out of range") << text;
  }
  auto big = parse_json_object(R"({"room":1e308,"seq":18446744073709551615})");
  ASSERT_TRUE(big);
  EXPECT_EQ(boost::json::serialize(*big), R"({"room":1E308,"seq":18446744073709551615})");
}

}  // namespace
}  // namespace parley::transport
