#pragma once
// The writes every path into a room's log shares: assigning the next seq, member
// changes with their events, retention, and deleting a room. Writer thread only:
// seq = last_seq + 1 is safe because this thread is the database's only writer and
// the counter moves in the same transaction as the event it numbers.
#include "chat/limits.hpp"
#include "chat/types.hpp"
#include "store/sqlite/connection.hpp"

namespace parley::store::sqlite {

// Numbers the event (room.last_seq + 1), stores it, moves the room's counter and
// activity time (at the end of the writer's group: deferred_writes.hpp), and drops what retention
// (limits.max_msgs) no longer keeps. Sets event.room, event.seq and, when zero, event.created_at;
// updates `room`.
void append_event(Connection& db, chat::Room& room, chat::Event& event, const chat::Limits& limits);

// The highest seq retention may drop from a room, given the highest it would drop by
// its own rule: a direct message waits for its reader (get_offline), so in a direct
// room nothing any member has not read yet is dropped, by count or by age.
chat::Seq retention_bound(Connection& db, const chat::RoomId& room, chat::RoomKind kind,
                          chat::Seq cutoff);

// Moves a member's read marker (the row must exist; no checks).
void set_member_read_seq(Connection& db, const chat::RoomId& room, const chat::UserId& user,
                         chat::Seq seq);

// Adds a member (who must not be one yet) and appends their `member` event. A new
// member's read marker starts at that event: what came before is not "unread" to them.
chat::Event add_member(Connection& db, chat::Room& room, const chat::UserRef& user,
                       chat::MemberAction action, const chat::Limits& limits);

// Removes a member (who must be one) and appends their `member` event. A room
// left empty is deleted with its log, unless it is a direct room: that one is the
// pair's for good, and direct_room() brings them back into it.
chat::Event remove_member(Connection& db, chat::Room& room, const chat::UserRef& user,
                          chat::MemberAction action, const chat::Limits& limits);

// Deletes a room and, by cascade, its members, log, messages and reactions.
void delete_room(Connection& db, const chat::RoomId& id);

}  // namespace parley::store::sqlite
