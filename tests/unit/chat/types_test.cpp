#include "chat/types.hpp"

#include <gtest/gtest.h>

#include <string>

#include "chat/error.hpp"

namespace parley::chat {
namespace {

TEST(ErrorTest, maps_each_kind_to_its_http_status) {
  EXPECT_EQ(status_of(ErrorKind::bad_request), 400);
  EXPECT_EQ(status_of(ErrorKind::unauthorized), 401);
  EXPECT_EQ(status_of(ErrorKind::forbidden), 403);
  EXPECT_EQ(status_of(ErrorKind::not_found), 404);
  EXPECT_EQ(status_of(ErrorKind::conflict), 409);
  EXPECT_EQ(status_of(ErrorKind::too_large), 413);
  EXPECT_EQ(status_of(ErrorKind::invalid), 422);
  EXPECT_EQ(status_of(ErrorKind::rate_limited), 429);
  EXPECT_EQ(status_of(ErrorKind::unavailable), 503);
  EXPECT_EQ(status_of(ErrorKind::internal), 500);
}

TEST(ErrorTest, fail_carries_kind_and_message) {
  Result<int> r = fail(ErrorKind::conflict, "taken");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::conflict);
  EXPECT_EQ(r.error().message, "taken");
}

// A failure is passed up a call chain by returning the error; the caller's Result
// type differs from the callee's.
Result<std::string> name_of(Result<int> id) {
  if (!id) return id.error();
  return "user" + std::to_string(*id);
}

TEST(ErrorTest, an_error_passes_on_into_a_result_of_another_type) {
  Result<std::string> r = name_of(fail(ErrorKind::not_found, "no such user"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::not_found);
  EXPECT_EQ(r.error().message, "no such user");
  EXPECT_EQ(*name_of(7), "user7");
}

TEST(ErrorTest, a_void_result_is_success_unless_given_an_error) {
  Result<void> ok;
  EXPECT_TRUE(ok);
  Result<void> bad = fail(ErrorKind::forbidden, "not yours");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::forbidden);
}

TEST(ErrorTest, value_or_gives_the_value_or_else_the_fallback) {
  EXPECT_EQ(value_or(Result<std::string>("kept"), "fallback"), "kept");
  EXPECT_EQ(value_or(Result<std::string>(fail(ErrorKind::internal, "x")), "fallback"), "fallback");
  EXPECT_FALSE(value_or(Result<bool>(false), true));
}

TEST(TypesTest, room_kind_round_trips_through_its_api_names) {
  for (auto k : {RoomKind::group, RoomKind::direct, RoomKind::random}) {
    EXPECT_EQ(parse_room_kind(to_string(k)), k);
  }
  EXPECT_EQ(to_string(RoomKind::group), "group");
  EXPECT_EQ(to_string(RoomKind::direct), "direct");
  EXPECT_EQ(to_string(RoomKind::random), "random");
}

TEST(TypesTest, visibility_round_trips_through_its_api_names) {
  EXPECT_EQ(to_string(Visibility::public_room), "public");
  EXPECT_EQ(to_string(Visibility::private_room), "private");
  EXPECT_EQ(parse_visibility("public"), Visibility::public_room);
  EXPECT_EQ(parse_visibility("private"), Visibility::private_room);
}

TEST(TypesTest, event_kind_round_trips_and_del_is_named_delete) {
  for (auto k : {EventKind::message, EventKind::edit, EventKind::del, EventKind::reaction,
                 EventKind::member, EventKind::preview}) {
    EXPECT_EQ(parse_event_kind(to_string(k)), k);
  }
  EXPECT_EQ(to_string(EventKind::message), "message");
  EXPECT_EQ(to_string(EventKind::edit), "edit");
  EXPECT_EQ(to_string(EventKind::del), "delete");
  EXPECT_EQ(to_string(EventKind::reaction), "reaction");
  EXPECT_EQ(to_string(EventKind::member), "member");
  EXPECT_EQ(to_string(EventKind::preview), "preview");
}

TEST(TypesTest, member_action_round_trips_through_its_api_names) {
  EXPECT_EQ(to_string(MemberAction::joined), "joined");
  EXPECT_EQ(to_string(MemberAction::left), "left");
  EXPECT_EQ(to_string(MemberAction::added), "added");
  EXPECT_EQ(to_string(MemberAction::removed), "removed");
  for (auto a :
       {MemberAction::joined, MemberAction::left, MemberAction::added, MemberAction::removed}) {
    EXPECT_EQ(parse_member_action(to_string(a)), a);
  }
}

TEST(TypesTest, parsing_rejects_unknown_empty_and_differently_cased_names) {
  EXPECT_EQ(parse_room_kind(""), std::nullopt);
  EXPECT_EQ(parse_room_kind("Group"), std::nullopt);
  EXPECT_EQ(parse_room_kind("dm"), std::nullopt);
  EXPECT_EQ(parse_visibility("PUBLIC"), std::nullopt);
  EXPECT_EQ(parse_visibility("public "), std::nullopt);
  EXPECT_EQ(parse_event_kind("del"), std::nullopt);
  EXPECT_EQ(parse_event_kind("typing"), std::nullopt);
  EXPECT_EQ(parse_member_action("join"), std::nullopt);
}

TEST(TypesTest, parsing_does_not_stop_at_an_embedded_nul) {
  using namespace std::string_view_literals;
  EXPECT_EQ(parse_room_kind("group\0x"sv), std::nullopt);
}

}  // namespace
}  // namespace parley::chat
