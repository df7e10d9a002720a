#pragma once
// What the user's own streams share (the page's GET /events, user_feed.hpp, and
// GET /api/events, user_stream.hpp): following every room the user is a member of
// on the session's shard, and reading what each delivered frame means for the user,
// without following the rooms' logs. A room is subscribed to directly rather than
// followed with Streamer's feeds: what these streams send about a room needs no
// order and no catch-up (absolute seqs, or counts kept by seq), so Streamer's store
// reads are not used; its queue, bound and flushing are.
// One session's, on its shard.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <unordered_set>
#include <vector>

#include "chat/types.hpp"
#include "hub/shard.hpp"
#include "service/rooms.hpp"

namespace parley::transport {

// What one frame delivered to a user's stream says.
struct RoomNews {
  enum class Kind {
    none,    // nothing for this user (another room's transient, someone else's read)
    event,   // a stored event of a followed room
    read,    // the user's read marker in `room` moved to `seq` (from any connection)
    notice,  // a notice on the user's channel (bus/channels.hpp)
  };
  Kind kind = Kind::none;
  std::string room;       // event, read; notice: the room it names, if any
  chat::Seq seq = 0;      // event: its seq; read: the new marker; notice: a `chat` notice's seq
  bool message = false;   // event: a message from someone else, the one kind that is unread
  bool own = false;       // event: the user's own message (which moves their marker to it)
  chat::Seq deleted = 0;  // event: the seq of the message a delete removed
  bool left = false;      // event: the user left the room (or was removed)
  std::string type;       // notice: its type (`chat`, `matched`, `chat_ended`, ...)
};

class MemberRooms {
 public:
  // `subscriber` is the session, which outlives this (it owns it).
  MemberRooms(hub::Shard& shard, hub::Subscriber& subscriber, chat::UserId user);

  // Subscribes to `room` once; true when it was not followed yet.
  bool follow(const std::string& room);
  void unfollow(const std::string& room);
  bool following(const std::string& room) const { return rooms_.contains(room); }
  // Leaves every followed room (the session is ending).
  void forget();

  // The user's member rooms with their counts (store::Store::list_rooms, without
  // the public rooms the user has not joined: service::Rooms::list). To miss nothing, follow the
  // rooms first and read their state afterwards: an event committed in between then arrives live as
  // well, never in neither.
  boost::asio::awaitable<chat::Result<std::vector<chat::RoomSummary>>> list(
      service::Rooms& service);

  // What `frames` (delivered to the session, from a followed room or the user's
  // channel) says. Cheap for the frames every room sends: JSON is parsed only for
  // the rare ones (deletes, member events naming the user, the user's reads,
  // notices).
  RoomNews read(const hub::Frames& frames) const;

  const std::string& channel() const { return channel_; }

 private:
  hub::Shard& shard_;
  hub::Subscriber& subscriber_;
  chat::UserId user_;
  std::string channel_;
  // Searched for in a frame's WebSocket form: the user as a message's author, as a
  // read notice's reader, as a member event's member.
  std::string as_author_;
  std::string as_reader_;
  std::string as_member_;
  std::unordered_set<std::string> rooms_;
};

}  // namespace parley::transport
