#include "chat/permissions.hpp"

#include <algorithm>

namespace parley::chat {

namespace {

bool is_public_group(const Room& room) noexcept {
  return room.kind == RoomKind::group && room.visibility == Visibility::public_room;
}

// An empty id matches nothing: a room without an owner (direct, random) or a message
// whose author was erased must not be editable by a caller whose id is also empty.
bool same_user(const UserId& a, const UserId& b) noexcept {
  return !a.empty() && a == b;
}

// Deleted messages read as missing: their content is gone, so there is nothing left
// to edit, delete again or react to.
Result<void> check_live(const MessageState* target) {
  if (target == nullptr) return fail(ErrorKind::not_found, "message not found");
  if (target->deleted) return fail(ErrorKind::not_found, "message was deleted");
  return {};
}

}  // namespace

bool can_view(const Room& room, bool is_member) noexcept {
  return is_member || is_public_group(room);
}

Result<void> check_view(const Room& room, bool is_member) {
  if (!can_view(room, is_member)) return fail(ErrorKind::not_found, "room not found");
  return {};
}

Result<void> check_post(const Room& room, bool is_member) {
  if (is_member) return {};
  // A room the caller cannot see answers as check_view does, so posting cannot be
  // used to probe which private room ids exist.
  if (!can_view(room, is_member)) return fail(ErrorKind::not_found, "room not found");
  return fail(ErrorKind::forbidden, "join the room to post in it");
}

Result<void> check_join(const Room& room) {
  if (is_public_group(room)) return {};
  if (room.kind == RoomKind::group) {
    return fail(ErrorKind::forbidden, "this room is private; ask a member to add you");
  }
  return fail(ErrorKind::forbidden, "this conversation cannot be joined");
}

Result<void> check_edit(const MessageState* target, const UserId& actor) {
  if (auto live = check_live(target); !live) return live;
  if (!same_user(target->author_id, actor)) {
    return fail(ErrorKind::forbidden, "only the author can edit this message");
  }
  return {};
}

Result<void> check_delete(const MessageState* target, const UserId& actor, const Room& room) {
  if (auto live = check_live(target); !live) return live;
  if (!same_user(target->author_id, actor) && !same_user(room.owner_id, actor)) {
    return fail(ErrorKind::forbidden, "only the author or the room owner can delete this message");
  }
  return {};
}

Result<void> check_react(const MessageState* target) {
  return check_live(target);
}

Seq next_read_marker(Seq current, Seq requested, Seq last_seq) noexcept {
  // Forward-only wins over the cap: a marker already past last_seq stays where it is
  // rather than moving back, so a client never sees its read position regress.
  const Seq capped = std::min(requested, last_seq);
  return std::max({current, capped, Seq{0}});
}

}  // namespace parley::chat
