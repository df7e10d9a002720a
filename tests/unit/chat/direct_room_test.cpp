#include "chat/direct_room.hpp"

#include <gtest/gtest.h>

namespace parley::chat {
namespace {

TEST(DirectRoomTest, key_is_the_same_whichever_user_opens_the_conversation) {
  EXPECT_EQ(direct_room_key("alice", "bob"), direct_room_key("bob", "alice"));
}

TEST(DirectRoomTest, key_orders_ids_bytewise) {
  EXPECT_EQ(direct_room_key("bob", "alice"), "dm:alice:bob");
  // Uppercase sorts before lowercase in byte order; the key must not depend on locale.
  EXPECT_EQ(direct_room_key("a", "B"), "dm:B:a");
}

TEST(DirectRoomTest, different_pairs_get_different_keys) {
  EXPECT_NE(direct_room_key("a", "b"), direct_room_key("a", "c"));
  // Prefix-related ids must not collide once joined.
  EXPECT_NE(direct_room_key("ab", "c"), direct_room_key("a", "bc"));
  EXPECT_NE(direct_room_key("u1", "u10"), direct_room_key("u11", "u0"));
}

TEST(DirectRoomTest, self_pair_has_a_key_and_is_detected) {
  EXPECT_EQ(direct_room_key("carol", "carol"), "dm:carol:carol");
  EXPECT_TRUE(is_self_pair("carol", "carol"));
  EXPECT_FALSE(is_self_pair("carol", "Carol"));
  EXPECT_FALSE(is_self_pair("carol", "dave"));
}

TEST(DirectRoomTest, key_keeps_maximum_length_ids_whole) {
  const std::string a(64, 'a'), b(64, 'b');
  EXPECT_EQ(direct_room_key(b, a), "dm:" + a + ":" + b);
}

}  // namespace
}  // namespace parley::chat
