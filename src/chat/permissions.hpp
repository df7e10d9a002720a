#pragma once
// Who may do what in a room. Pure functions of the room, the actor and the
// target; the store calls them inside the transaction that writes the result,
// so a decision and its effect cannot be separated by a race.
#include "chat/error.hpp"
#include "chat/types.hpp"

namespace parley::chat {

// The state of one message as the store keeps it, enough to judge edits, deletes
// and reactions on it.
struct MessageState {
  Seq seq = 0;
  UserId author_id;
  bool deleted = false;
};

// Public rooms are visible to everyone; private, direct and random rooms only to members.
bool can_view(const Room& room, bool is_member) noexcept;
// Reading history or streaming: same as can_view (404 when not, so private rooms don't leak).
Result<void> check_view(const Room& room, bool is_member);
// Posting, reacting: members only (403); a public group room is joined implicitly by
// the caller's transport before posting, so this is the strict rule. A non-member of
// a room they cannot view gets 404, as from check_view, so posting cannot probe ids.
Result<void> check_post(const Room& room, bool is_member);
// Joining: public group rooms only (403 for private; 409-free: joining twice is fine).
Result<void> check_join(const Room& room);
// Edit: the target must exist (404), be a live message (404 if deleted), author only (403).
Result<void> check_edit(const MessageState* target, const UserId& actor);
// Delete: as edit, but the room owner may delete too.
Result<void> check_delete(const MessageState* target, const UserId& actor, const Room& room);
// React: the target must exist and be live (404).
Result<void> check_react(const MessageState* target);

// A read marker only moves forward and never past the end of the log.
Seq next_read_marker(Seq current, Seq requested, Seq last_seq) noexcept;

}  // namespace parley::chat
