#pragma once
// How domain values map onto table rows: the column lists every query selects,
// and the readers and writers of one row. Kept in one place so that a column added
// by a migration is added to every query at once.
#include <optional>
#include <string>
#include <vector>

#include "chat/types.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

// SELECT lists (prefixed by a table alias where joins need one).
#define PARLEY_USER_COLUMNS "id, name, avatar_url, provider, password_hash, created_at"
#define PARLEY_ROOM_COLUMNS \
  "r.id, r.name, r.kind, r.visibility, r.owner_id, r.created_at, r.last_seq, r.members_count"
#define PARLEY_EVENT_COLUMNS                                                                  \
  "room_id, seq, kind, created_at, author_id, author_name, author_avatar, text, html, "       \
  "attachments, client_id, target_seq, user_id, emoji, reaction_on, member_id, member_name, " \
  "member_avatar, action, url, title, description, image_url, site_name"
constexpr int k_room_column_count = 8;

// Readers: the row's columns start at `first`, in the order of the lists above.
chat::User read_user(const Query& q, int first = 0);
chat::Room read_room(const Query& q, int first = 0);
chat::Event read_event(const Query& q, int first = 0);

// Inserts one event row; its room and seq must already be set.
void insert_event(Connection& db, const chat::Event& event);

// Attachments are kept as a JSON array in one column: they are always read and
// written with their message, never queried on their own.
std::string attachments_to_json(const std::vector<chat::Attachment>& attachments);
std::vector<chat::Attachment> attachments_from_json(const std::string& json);

// Single-row lookups used by several operations. On the writer's connection they
// include what the group has not written yet (deferred_writes.hpp).
std::optional<chat::Room> load_room(Connection& db, const chat::RoomId& id);
// For a room read by another query on the writer's connection: its pending last_seq.
void apply_deferred(const Connection& db, chat::Room& room);
// The member's read marker, or nothing when the user is not a member.
std::optional<chat::Seq> load_member_read_seq(Connection& db, const chat::RoomId& room,
                                              const chat::UserId& user);

}  // namespace parley::store::sqlite
