#include "chat/types.hpp"

namespace parley::chat {

std::string_view to_string(RoomKind k) noexcept {
  switch (k) {
    case RoomKind::group:
      return "group";
    case RoomKind::direct:
      return "direct";
    case RoomKind::random:
      return "random";
  }
  return "group";
}

std::string_view to_string(Visibility v) noexcept {
  switch (v) {
    case Visibility::public_room:
      return "public";
    case Visibility::private_room:
      return "private";
  }
  // An out-of-range value must not read as "public": that would widen access.
  return "private";
}

std::optional<RoomKind> parse_room_kind(std::string_view s) noexcept {
  if (s == "group") return RoomKind::group;
  if (s == "direct") return RoomKind::direct;
  if (s == "random") return RoomKind::random;
  return std::nullopt;
}

std::optional<Visibility> parse_visibility(std::string_view s) noexcept {
  if (s == "public") return Visibility::public_room;
  if (s == "private") return Visibility::private_room;
  return std::nullopt;
}

std::string_view to_string(EventKind k) noexcept {
  switch (k) {
    case EventKind::message:
      return "message";
    case EventKind::edit:
      return "edit";
    case EventKind::del:
      return "delete";
    case EventKind::reaction:
      return "reaction";
    case EventKind::member:
      return "member";
    case EventKind::preview:
      return "preview";
  }
  return "message";
}

std::string_view to_string(MemberAction a) noexcept {
  switch (a) {
    case MemberAction::joined:
      return "joined";
    case MemberAction::left:
      return "left";
    case MemberAction::added:
      return "added";
    case MemberAction::removed:
      return "removed";
  }
  return "joined";
}

std::optional<EventKind> parse_event_kind(std::string_view s) noexcept {
  if (s == "message") return EventKind::message;
  if (s == "edit") return EventKind::edit;
  if (s == "delete") return EventKind::del;
  if (s == "reaction") return EventKind::reaction;
  if (s == "member") return EventKind::member;
  if (s == "preview") return EventKind::preview;
  return std::nullopt;
}

std::optional<MemberAction> parse_member_action(std::string_view s) noexcept {
  if (s == "joined") return MemberAction::joined;
  if (s == "left") return MemberAction::left;
  if (s == "added") return MemberAction::added;
  if (s == "removed") return MemberAction::removed;
  return std::nullopt;
}

}  // namespace parley::chat
