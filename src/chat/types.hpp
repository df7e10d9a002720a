#pragma once
// The values of the domain: users, rooms and the events of a room's log (API.md).
// Plain values, copyable, no behaviour beyond naming.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::chat {

using UserId = std::string;
using RoomId = std::string;
using Seq = std::int64_t;     // dense per room: 1, 2, 3, ...
using TimeMs = std::int64_t;  // milliseconds since the Unix epoch, UTC

struct UserRef {
  UserId id;
  std::string name;
  std::string avatar_url;
  bool operator==(const UserRef&) const = default;
};

struct User {
  UserId id;
  std::string name;  // unique login name (guests get a unique name too)
  std::string avatar_url;
  std::string provider;       // "password", "guest", "github", "google", "discord"
  std::string password_hash;  // argon2id encoded string; empty unless provider is "password"
  TimeMs created_at = 0;
  UserRef ref() const { return {id, name, avatar_url}; }
};

enum class RoomKind { group, direct, random };
enum class Visibility { public_room, private_room };

std::string_view to_string(RoomKind k) noexcept;    // "group" | "direct" | "random"
std::string_view to_string(Visibility v) noexcept;  // "public" | "private"
std::optional<RoomKind> parse_room_kind(std::string_view s) noexcept;
std::optional<Visibility> parse_visibility(std::string_view s) noexcept;

struct Room {
  RoomId id;
  std::string name;
  RoomKind kind = RoomKind::group;
  Visibility visibility = Visibility::public_room;
  UserId owner_id;
  TimeMs created_at = 0;
  Seq last_seq = 0;  // seq of the newest event, 0 when the log is empty
  std::int64_t members_count = 0;
};

struct Attachment {
  std::string url;
  std::string content_type;
  std::string filename;
  std::int64_t size = 0;
  bool operator==(const Attachment&) const = default;
};

enum class EventKind { message, edit, del, reaction, member, preview };
enum class MemberAction { joined, left, added, removed };

std::string_view to_string(EventKind k) noexcept;     // "message", "edit", "delete", ...
std::string_view to_string(MemberAction a) noexcept;  // "joined", "left", ...
std::optional<EventKind> parse_event_kind(std::string_view s) noexcept;
std::optional<MemberAction> parse_member_action(std::string_view s) noexcept;

// One stored entry of a room's log. Flat on purpose: each kind uses the fields its
// row of API.md names and leaves the rest empty; a flat value is cheap to copy
// through queues and maps one-to-one onto a table row.
struct Event {
  EventKind kind = EventKind::message;
  RoomId room;
  Seq seq = 0;
  TimeMs created_at = 0;  // for an edit this is edited_at

  // message
  UserRef author;
  std::string text;
  std::string html;  // message and edit: text rendered once at write time
  std::vector<Attachment> attachments;
  std::string client_id;

  // edit, delete, reaction, preview
  Seq target_seq = 0;

  // reaction
  UserId user_id;
  std::string emoji;
  bool on = false;

  // member
  UserRef member;
  MemberAction action = MemberAction::joined;

  // preview
  std::string url, title, description, image_url, site_name;

  bool operator==(const Event&) const = default;
};

// A room as one user sees it in their list.
struct RoomSummary {
  Room room;
  Seq read_seq = 0;
  std::int64_t unread = 0;  // messages from others after read_seq (store.hpp list_rooms)
};

struct Member {
  UserRef user;
  Seq read_seq = 0;
  bool owner = false;
};

}  // namespace parley::chat
