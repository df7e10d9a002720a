#pragma once
// The Store: everything parley keeps. One interface, several backends (sqlite
// today; postgres and redis later), one conformance suite (tests/unit/store).
//
// Promises, for every implementation:
// - Every method is asynchronous: it returns at once and calls `done` exactly once,
//   on a thread of the store's own (never the caller's). Callers post the result
//   back to where they need it. No method blocks a network thread.
// - A write's callback runs after the write is durable (committed). An ack sent
//   from that callback is therefore never for a message that a crash could lose.
// - append() assigns seq inside the transaction that stores the event: seq is
//   dense per room (1, 2, 3, ...), never reused, and seq order is commit order.
// - append() of a message whose (room, author, client_id) was stored before stores
//   nothing and returns the first message with duplicate = true.
// - Domain decisions that depend on stored state (who wrote a message, whether a
//   reaction is on) are taken inside the same transaction as the write.
// - Retention (chat::Limits) only ever removes the oldest events of a room's log, so
//   what remains is dense from HistoryPage::earliest_seq to last_seq. max_msgs keeps
//   the newest events of each room, on every append. retention_days removes events
//   whose created_at is older than that many days before store::now_ms() (the only
//   clock a store reads): the store sweeps by itself in the background (at open, then
//   periodically), in small batches between other writes, never holding up appends
//   for long; apply_retention() runs one sweep now.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "chat/error.hpp"
#include "chat/limits.hpp"
#include "chat/types.hpp"

namespace parley::store {

template <class T>
using Callback = std::function<void(chat::Result<T>)>;

// A store that calls back in bursts (the callbacks of one commit group) runs each
// burst as scope(run), where run() calls them all; the caller can so batch what the
// callbacks post (hub::PostBatch). Empty: run() is called directly.
using CallbackScope = std::function<void(const std::function<void()>& run)>;

struct NewUser {
  std::string name;           // unique (case-insensitive): conflict when taken
  std::string password_hash;  // empty for guests and OAuth users
  std::string provider = "password";
  std::string avatar_url;
};

// A person's account at an OAuth provider: the provider's stable id for them.
struct ExternalIdentity {
  std::string provider;  // "github", "google", "discord"
  std::string subject;   // the provider's user id (GitHub id, OpenID Connect sub)
};

struct Session {
  std::string token_hash;  // SHA-256 of the cookie value, hex; the raw token is never stored
  chat::UserId user_id;
  chat::TimeMs expires_at = 0;
};

struct NewRoom {
  std::string name;
  chat::RoomKind kind = chat::RoomKind::group;
  chat::Visibility visibility = chat::Visibility::public_room;
  chat::UserRef owner;  // becomes the first member; a `member joined` event is seq 1
};

// Commands that append to a room's log.
struct PostMessage {
  chat::RoomId room;
  chat::UserRef author;
  std::string text;
  std::string html;
  std::vector<chat::Attachment> attachments;
  std::string client_id;  // empty: no idempotency
};
struct EditMessage {
  chat::RoomId room;
  chat::UserId actor;
  chat::Seq target_seq = 0;
  std::string text;
  std::string html;
};
struct DeleteMessage {
  chat::RoomId room;
  chat::UserId actor;
  chat::Seq target_seq = 0;
};
struct ToggleReaction {
  chat::RoomId room;
  chat::UserId actor;
  chat::Seq target_seq = 0;
  std::string emoji;
};
struct JoinRoom {  // adds the member; no event and not an error if already a member
  chat::RoomId room;
  chat::UserRef user;
  chat::MemberAction action = chat::MemberAction::joined;  // or `added`
};
struct LeaveRoom {  // removes the member; not_found if not a member
  chat::RoomId room;
  chat::UserRef user;
  chat::MemberAction action = chat::MemberAction::left;  // or `removed`
};
using Command =
    std::variant<PostMessage, EditMessage, DeleteMessage, ToggleReaction, JoinRoom, LeaveRoom>;

struct AppendResult {
  std::optional<chat::Event> event;  // empty when nothing was appended (join of a member)
  bool duplicate = false;            // a client_id retry: event is the first message
  chat::Room room;                   // the room after the append (last_seq, members_count)
};

struct HistoryQuery {
  chat::RoomId room;
  std::optional<chat::Seq> before;  // events with seq < before, newest page
  std::optional<chat::Seq> after;   // events with seq > after, oldest first
  int limit = 50;                   // 1..100, the caller has validated it
};

// What happened to one message after it was posted: what a page needs to show the
// message as it is now, without replaying the log.
struct MessageAnnotation {
  chat::Seq seq = 0;  // the message
  bool deleted = false;
  bool edited = false;
  std::string text;  // the newest edit's text and html, when edited
  std::string html;
  chat::TimeMs edited_at = 0;
  struct Reaction {
    std::string emoji;
    std::vector<chat::UserRef> users;  // in the order they reacted
  };
  std::vector<Reaction> reactions;  // reactions that are on now, emoji in order of first use
};

struct HistoryPage {
  std::vector<chat::Event> events;  // oldest first
  bool has_more = false;            // more exist beyond the page in its direction
  chat::Seq earliest_seq = 1;       // the oldest seq retention still keeps (for `reset`)
  chat::Seq last_seq = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Users.
  virtual void create_user(NewUser user, Callback<chat::User> done) = 0;            // conflict
  virtual void get_user(chat::UserId id, Callback<chat::User> done) = 0;            // not_found
  virtual void find_user_by_name(std::string name, Callback<chat::User> done) = 0;  // not_found

  // Users who sign in through an OAuth provider. find: the user linked to the
  // identity, not_found when none is. create: creates `user` and links the identity
  // to it in one transaction; when the identity is already linked (a concurrent
  // first sign-in got there first) it creates nothing and returns the linked user.
  // conflict when the name is taken.
  virtual void find_user_by_identity(ExternalIdentity identity, Callback<chat::User> done) = 0;
  virtual void create_user_with_identity(NewUser user, ExternalIdentity identity,
                                         Callback<chat::User> done) = 0;

  // Browser sessions (opaque cookie tokens, stored hashed).
  virtual void create_session(Session session, Callback<void> done) = 0;
  virtual void get_session(std::string token_hash,
                           Callback<Session> done) = 0;  // not_found, also when expired
  virtual void delete_session(std::string token_hash, Callback<void> done) = 0;

  // Rooms.
  virtual void create_room(NewRoom room, Callback<chat::Room> done) = 0;
  virtual void get_room(chat::RoomId id, Callback<chat::Room> done) = 0;  // not_found
  // Public group rooms plus every room the user is a member of, newest activity first.
  // A member room's `unread` counts the messages after the user's read marker that
  // others wrote and that are not deleted; other events (joins, edits, reactions,
  // deletes) are never unread. 0 for rooms the user is not a member of.
  virtual void list_rooms(chat::UserId user, Callback<std::vector<chat::RoomSummary>> done) = 0;
  virtual void is_member(chat::RoomId room, chat::UserId user, Callback<bool> done) = 0;
  virtual void list_members(chat::RoomId room, Callback<std::vector<chat::Member>> done) = 0;
  // The one direct room between two users, created on first call from either side.
  virtual void direct_room(chat::UserRef a, chat::UserRef b, Callback<chat::Room> done) = 0;
  // Looks without creating: the id of the direct room of `a` and `b` when both are
  // members of it, else nullopt (never created, or one of them left it).
  virtual void shared_direct_room(chat::UserId a, chat::UserId b,
                                  Callback<std::optional<chat::RoomId>> done) = 0;

  // The room log.
  virtual void append(Command command, Callback<AppendResult> done) = 0;
  virtual void history(HistoryQuery query, Callback<HistoryPage> done) = 0;
  // Direct messages waiting for `user` (chat-server's offline messages): the message
  // events of the user's direct rooms after the user's read marker there, written by
  // the other member, oldest first, at most `limit`. Deleted messages are left out;
  // an edited one carries its latest text (and html).
  virtual void unread_direct_messages(chat::UserId user, int limit,
                                      Callback<std::vector<chat::Event>> done) = 0;

  // The annotations of the messages with first <= seq <= last that have any (edited,
  // deleted or reacted to), ordered by seq. not_found when the room does not exist.
  virtual void annotations(chat::RoomId room, chat::Seq first, chat::Seq last,
                           Callback<std::vector<MessageAnnotation>> done) = 0;

  // Invites to a room: a token (stored only as its SHA-256, hex, like sessions) that
  // lets one user in, once, until expires_at. The creator must be a member of a group
  // room (forbidden otherwise; not_found when there is no such room).
  virtual void create_invite(chat::RoomId room, chat::UserId creator, std::string token_hash,
                             chat::TimeMs expires_at, Callback<void> done) = 0;
  // Uses the invite and adds the user to its room with a `member joined` event, in
  // one transaction. not_found when the token is unknown, expired or already used by
  // someone else. A user who is already a member gets the room and no event, and the
  // invite stays unused.
  virtual void redeem_invite(std::string token_hash, chat::UserRef user,
                             Callback<AppendResult> done) = 0;

  // Read markers: moves forward only, never past last_seq; returns the marker after the call.
  virtual void set_read(chat::RoomId room, chat::UserId user, chat::Seq seq,
                        Callback<chat::Seq> done) = 0;

  // Retention by age: removes, from every room, the longest run of oldest events
  // whose created_at is before now_ms() - retention_days (an event that is not old
  // enough protects everything after it) and the reactions to them, and returns how
  // many events it removed. 0 at once when retention_days is 0. Runs in the
  // background too (see above); this is for tests and tools.
  virtual void apply_retention(Callback<std::int64_t> done) = 0;

  // Blocks until every write queued before the call is committed. For shutdown
  // and tests; never call it from a network thread.
  virtual void flush() = 0;
};

// Opens the store named by a DATABASE_URL (sqlite://path). Throws std::runtime_error
// with a clear message when the URL is unsupported or the database cannot be opened.
std::unique_ptr<Store> open_store(const std::string& database_url, const chat::Limits& limits,
                                  CallbackScope callback_scope = {});

}  // namespace parley::store
