#include "chat/permissions.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace parley::chat {
namespace {

Room make_room(RoomKind kind, Visibility vis, UserId owner = "owner") {
  Room r;
  r.id = "r1";
  r.name = "room";
  r.kind = kind;
  r.visibility = vis;
  r.owner_id = std::move(owner);
  return r;
}

const Room k_public = make_room(RoomKind::group, Visibility::public_room);
const Room k_private = make_room(RoomKind::group, Visibility::private_room);
// Direct and random rooms have no owner; their visibility field must not widen access.
const Room k_direct = make_room(RoomKind::direct, Visibility::public_room, "");
const Room k_random = make_room(RoomKind::random, Visibility::public_room, "");

MessageState live_by(UserId author) {
  return {7, std::move(author), false};
}
MessageState deleted_by(UserId author) {
  return {7, std::move(author), true};
}

ErrorKind kind_of(const Result<void>& r) {
  return r ? ErrorKind::internal : r.error().kind;
}

// ---- viewing -----------------------------------------------------------------

TEST(PermissionsTest, public_group_room_is_visible_to_non_members) {
  EXPECT_TRUE(can_view(k_public, false));
  EXPECT_TRUE(check_view(k_public, false));
}

TEST(PermissionsTest, members_see_every_kind_of_room) {
  for (const Room* r : {&k_public, &k_private, &k_direct, &k_random}) {
    EXPECT_TRUE(can_view(*r, true));
    EXPECT_TRUE(check_view(*r, true));
  }
}

TEST(PermissionsTest, non_member_gets_not_found_for_private_direct_and_random_rooms) {
  for (const Room* r : {&k_private, &k_direct, &k_random}) {
    EXPECT_FALSE(can_view(*r, false)) << to_string(r->kind);
    auto res = check_view(*r, false);
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, ErrorKind::not_found);
    EXPECT_EQ(res.error().message, "room not found");
  }
}

// ---- posting -----------------------------------------------------------------

TEST(PermissionsTest, members_may_post_in_every_kind_of_room) {
  for (const Room* r : {&k_public, &k_private, &k_direct, &k_random}) {
    EXPECT_TRUE(check_post(*r, true));
  }
}

TEST(PermissionsTest, non_member_of_public_room_is_forbidden_to_post) {
  EXPECT_EQ(kind_of(check_post(k_public, false)), ErrorKind::forbidden);
}

TEST(PermissionsTest, non_member_posting_to_hidden_room_gets_not_found_not_forbidden) {
  EXPECT_EQ(kind_of(check_post(k_private, false)), ErrorKind::not_found);
  EXPECT_EQ(kind_of(check_post(k_direct, false)), ErrorKind::not_found);
  EXPECT_EQ(kind_of(check_post(k_random, false)), ErrorKind::not_found);
}

// ---- joining -----------------------------------------------------------------

TEST(PermissionsTest, anyone_may_join_a_public_group_room) {
  EXPECT_TRUE(check_join(k_public));
}

TEST(PermissionsTest, joining_private_direct_or_random_room_is_forbidden) {
  EXPECT_EQ(kind_of(check_join(k_private)), ErrorKind::forbidden);
  EXPECT_EQ(kind_of(check_join(k_direct)), ErrorKind::forbidden);
  EXPECT_EQ(kind_of(check_join(k_random)), ErrorKind::forbidden);
}

// ---- editing -----------------------------------------------------------------

TEST(PermissionsTest, author_may_edit_own_message) {
  const auto m = live_by("alice");
  EXPECT_TRUE(check_edit(&m, "alice"));
}

TEST(PermissionsTest, room_owner_may_not_edit_someone_elses_message) {
  const auto m = live_by("alice");
  auto r = check_edit(&m, "owner");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::forbidden);
  EXPECT_EQ(r.error().message, "only the author can edit this message");
}

TEST(PermissionsTest, other_user_may_not_edit) {
  const auto m = live_by("alice");
  EXPECT_EQ(kind_of(check_edit(&m, "mallory")), ErrorKind::forbidden);
}

TEST(PermissionsTest, editing_missing_or_deleted_message_is_not_found) {
  EXPECT_EQ(kind_of(check_edit(nullptr, "alice")), ErrorKind::not_found);
  const auto m = deleted_by("alice");
  EXPECT_EQ(kind_of(check_edit(&m, "alice")), ErrorKind::not_found);
}

TEST(PermissionsTest, empty_actor_never_matches_empty_author) {
  const auto m = live_by("");
  EXPECT_EQ(kind_of(check_edit(&m, "")), ErrorKind::forbidden);
}

// ---- deleting ----------------------------------------------------------------

TEST(PermissionsTest, author_may_delete_own_message) {
  const auto m = live_by("alice");
  EXPECT_TRUE(check_delete(&m, "alice", k_public));
  EXPECT_TRUE(check_delete(&m, "alice", k_direct));
}

TEST(PermissionsTest, room_owner_may_delete_others_messages) {
  const auto m = live_by("alice");
  EXPECT_TRUE(check_delete(&m, "owner", k_public));
  EXPECT_TRUE(check_delete(&m, "owner", k_private));
}

TEST(PermissionsTest, other_user_may_not_delete) {
  const auto m = live_by("alice");
  auto r = check_delete(&m, "mallory", k_public);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::forbidden);
  EXPECT_EQ(r.error().message, "only the author or the room owner can delete this message");
}

TEST(PermissionsTest, ownerless_room_gives_empty_actor_no_delete_rights) {
  const auto m = live_by("alice");
  EXPECT_EQ(kind_of(check_delete(&m, "", k_direct)), ErrorKind::forbidden);
}

TEST(PermissionsTest, deleting_missing_or_already_deleted_message_is_not_found) {
  EXPECT_EQ(kind_of(check_delete(nullptr, "owner", k_public)), ErrorKind::not_found);
  const auto m = deleted_by("alice");
  EXPECT_EQ(kind_of(check_delete(&m, "alice", k_public)), ErrorKind::not_found);
  EXPECT_EQ(kind_of(check_delete(&m, "owner", k_public)), ErrorKind::not_found);
}

// ---- reacting ----------------------------------------------------------------

TEST(PermissionsTest, anyone_may_react_to_a_live_message) {
  const auto m = live_by("alice");
  EXPECT_TRUE(check_react(&m));
}

TEST(PermissionsTest, reacting_to_missing_or_deleted_message_is_not_found) {
  EXPECT_EQ(kind_of(check_react(nullptr)), ErrorKind::not_found);
  const auto m = deleted_by("alice");
  EXPECT_EQ(kind_of(check_react(&m)), ErrorKind::not_found);
}

// ---- read markers (unread counts: the store, list_rooms) -----------------------

TEST(PermissionsTest, read_marker_moves_forward) {
  EXPECT_EQ(next_read_marker(3, 7, 10), 7);
  EXPECT_EQ(next_read_marker(0, 10, 10), 10);
}

TEST(PermissionsTest, read_marker_never_moves_back) {
  EXPECT_EQ(next_read_marker(7, 3, 10), 7);
  EXPECT_EQ(next_read_marker(7, 7, 10), 7);
  EXPECT_EQ(next_read_marker(7, -1, 10), 7);
}

TEST(PermissionsTest, read_marker_is_capped_at_last_seq) {
  EXPECT_EQ(next_read_marker(3, 11, 10), 10);
  EXPECT_EQ(next_read_marker(0, std::numeric_limits<Seq>::max(), 10), 10);
  EXPECT_EQ(next_read_marker(0, 5, 0), 0);
}

TEST(PermissionsTest, marker_already_past_last_seq_stays_rather_than_moving_back) {
  EXPECT_EQ(next_read_marker(12, 11, 10), 12);
}

TEST(PermissionsTest, read_marker_is_never_negative) {
  EXPECT_EQ(next_read_marker(-5, -2, 10), 0);
}

}  // namespace
}  // namespace parley::chat
