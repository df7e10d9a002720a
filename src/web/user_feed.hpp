#pragma once
// The web page's own stream (GET /events): what the sidebar needs to keep unread
// badges right for every room the user is a member of, without following each
// room's full events. SSE with JSON data and no `id:`:
//   `rooms`  at the start: [{room, last_seq, read_seq, unread}] for each member room
//            (unread as store::Store::list_rooms counts it: messages from others);
//   `tick`   {room, seq, own, message, deleted?} for each stored event of those rooms
//            (own: the user's own message, which moved their read marker with it;
//            message: a message from someone else, the one kind that is unread;
//            deleted: the seq of the message a delete removed);
//   `read`   {room, seq} when the user's read marker moves (from any tab);
//   `room`   {room} when a room the user was not following shows up on the user's
//            channel (bus/channels.hpp: a direct message from someone new, a room
//            the user joined in another tab or client);
//   `public_room` {type, room} and `room_deleted` {type, room}: a public room was
//            created or deleted by anyone (bus/channels.hpp), for the
//            sidebar's list of public rooms;
//   `matched` {type, room, peer} and `chat_ended` {type, room, by}: the random-chat
//            notices, as they are on /api/events (a matched room is followed for
//            ticks, but announced by `matched` rather than `room`).
// With `holds_match` (the /random page's stream, /events?random=1) the stream also
// holds the user's place in the random-chat queue (service::Matching::hold).
// Ticks carry absolute seqs, so one that overtakes the snapshot or repeats is
// harmless (the page keeps the maximum); a reconnect starts over with a snapshot.
// The rooms are followed, and their frames read, by MemberRooms, as /api/events does
// (which counts on the server what the page counts from these ticks).
// Lives on one shard, like every session.
#include <boost/beast/core/tcp_stream.hpp>

#include "hub/shard.hpp"
#include "service/identity.hpp"
#include "transport/service.hpp"

namespace parley::web {

void start_user_feed_session(service::Services& services, hub::Shard& shard,
                             boost::beast::tcp_stream stream, service::Identity who,
                             bool holds_match = false);

}  // namespace parley::web
