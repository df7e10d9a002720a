#pragma once
// The operations a user performs on rooms, shared by REST and WebSocket so both
// validate, limit and publish identically. Each validates through the domain,
// writes through the Store, and publishes what was stored to the hub.
//
// Ordering: an appended event is published from the store's callback, i.e. on the
// store thread in commit order, so every subscriber sees a room's events in seq
// order. The caller's result is posted to its executor *before* the publish, so a
// WebSocket sender's ack precedes the event itself (API.md).
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "chat/error.hpp"
#include "chat/match_queue.hpp"
#include "chat/types.hpp"
#include "store/store.hpp"
#include "transport/identity.hpp"
#include "transport/services.hpp"

namespace parley::transport {

class ChatService {
 public:
  explicit ChatService(Services& services) : s_(services) {}

  using Appended = store::AppendResult;
  boost::asio::awaitable<chat::Result<Appended>> post_message(const Identity& who,
                                                              const std::string& room,
                                                              const std::string& text,
                                                              const std::string& client_id);
  boost::asio::awaitable<chat::Result<Appended>> edit_message(const Identity& who,
                                                              const std::string& room,
                                                              chat::Seq seq,
                                                              const std::string& text);
  boost::asio::awaitable<chat::Result<Appended>> delete_message(const Identity& who,
                                                                const std::string& room,
                                                                chat::Seq seq);
  boost::asio::awaitable<chat::Result<Appended>> react(const Identity& who, const std::string& room,
                                                       chat::Seq seq, const std::string& emoji);
  // A new group room, `who` its owner and first member; like a join, the user's
  // connections are told (`joined`, user_channel.hpp).
  boost::asio::awaitable<chat::Result<chat::Room>> create_room(const Identity& who,
                                                               const std::string& name,
                                                               chat::Visibility visibility);
  boost::asio::awaitable<chat::Result<Appended>> join(const Identity& who, const std::string& room);
  boost::asio::awaitable<chat::Result<Appended>> leave(const Identity& who,
                                                       const std::string& room);
  // Moves the read marker forward and tells the room (transient `read`).
  boost::asio::awaitable<chat::Result<chat::Seq>> mark_read(const Identity& who,
                                                            const std::string& room, chat::Seq seq);
  // The room if `who` may view it; not_found otherwise (private rooms don't leak).
  boost::asio::awaitable<chat::Result<chat::Room>> viewable_room(const Identity& who,
                                                                 const std::string& room);
  // Joins the room of an invite link (store::Store::redeem_invite); the raw token
  // from the link. not_found for a bad, used or expired link.
  boost::asio::awaitable<chat::Result<Appended>> redeem_invite(const Identity& who,
                                                               const std::string& token);
  // Transient typing notice to the room's subscribers.
  void typing(const Identity& who, const std::string& room, bool on);

  // Direct messages (chat-server's `chat` frame): posts `text` into the one direct
  // room of `who` and `to`; the recipient's connections get a `chat` notice (as for
  // any message posted to a direct room). not_found for an unknown user.
  boost::asio::awaitable<chat::Result<Appended>> send_direct(const Identity& who,
                                                             const chat::UserId& to,
                                                             const std::string& text,
                                                             const std::string& client_id);
  // Direct messages waiting for `who` after its read markers, oldest first: at most
  // k_max_offline, and whether more wait beyond them (they follow once these are read).
  static constexpr int k_max_offline = 500;
  struct Offline {
    std::vector<chat::Event> messages;
    bool has_more = false;
  };
  boost::asio::awaitable<chat::Result<Offline>> offline_messages(const Identity& who);

  // Random chat. join_match() pairs `who` with a waiting stranger, or leaves it
  // waiting (idempotent); a pair gets a new private `random` room and both users
  // a `matched` notice on every connection (the user channel).
  // - conflict when `who` already has a random chat (or is being paired right now).
  // - A waiting user holds its place only while it has a live connection (WebSocket
  //   or SSE): one that is gone is never paired, and leaves the queue when its last
  //   connection closes. `needs_connection` (REST) refuses (conflict) to leave a
  //   caller waiting who has none, as the match could reach it nowhere; pairing with
  //   someone already waiting needs none (the answer carries the room).
  // - When the room cannot be made after pairing, the peer goes back to the head of
  //   the queue and the caller gets the error.
  // `ticket` (when left waiting) names this place in the queue: each join of a
  // waiting user renews it, so the one that asked last holds the place.
  struct MatchResult {
    bool matched = false;
    chat::Room room;
    chat::UserRef peer;
    std::uint32_t ticket = 0;
  };
  boost::asio::awaitable<chat::Result<MatchResult>> join_match(const Identity& who,
                                                               bool needs_connection = false);
  // Takes a waiting user out of the queue (leave_match, DELETE /api/match, cancel).
  bool leave_match(const chat::UserId& user);
  // The connection that asked (with `ticket`) closed: the user leaves the queue
  // unless that place was since matched or renewed by another ask.
  void drop_match(const chat::UserId& user, std::uint32_t ticket);
  // The user's last connection closed (Presence): nothing can hold its place.
  void connections_gone(const chat::UserId& user);
  // The web page's place in the queue. A page has no connection that "asked" (its
  // find is a form post), so its user stream (/events?random=1) holds the place
  // instead: hold on open, release on close; when the user's last holding stream
  // closes, the user leaves the queue, as when the WebSocket that asked closes.
  // Counted, so a reload whose new stream opens before the old one closes keeps it.
  void hold_match(const chat::UserId& user);
  void release_match(const chat::UserId& user);

  Services& services() noexcept { return s_; }

 private:
  // Takes a reference (see blocking.hpp): callers keep `cmd` alive across the await.
  boost::asio::awaitable<chat::Result<Appended>> append(const store::Command& cmd);
  // What append() does around any store write that may append an event: `start`
  // receives the store callback.
  template <class Start>
  boost::asio::awaitable<chat::Result<Appended>> append_with(Start&& start);
  // `a.event` is set.
  void publish(Appended a);

  struct Waiting {
    chat::UserRef user;
    std::uint32_t ticket = 0;
  };
  // Under match_mu_: takes the longest-waiting connected user as `who`'s peer (both
  // are then `pairing_`), or leaves `who` waiting with a new `ticket`.
  chat::Result<std::optional<Waiting>> pair_or_wait(const Identity& who, bool needs_connection,
                                                    std::uint32_t& ticket);
  std::uint32_t new_ticket();
  // The random room of a new pair: made by `peer`, `who` added.
  boost::asio::awaitable<chat::Result<Appended>> open_random_room(const Identity& who,
                                                                  const chat::UserRef& peer);

  // After a message in a direct room: tells the other member's connections.
  boost::asio::awaitable<void> notify_direct(const chat::Event& e);
  // After one side leaves a random chat: closes it for the other side too, and tells
  // both sides (every connection of each) that it ended.
  boost::asio::awaitable<void> end_random(const Identity& who, const chat::RoomId& room);

  Services& s_;
  std::mutex match_mu_;  // guards the queue: any shard may call join/leave
  chat::MatchQueue match_queue_;
  std::unordered_map<chat::UserId, Waiting> waiting_;
  std::unordered_set<chat::UserId> pairing_;  // paired, their room not made yet
  std::uint32_t next_ticket_ = 0;
  std::unordered_map<chat::UserId, int> match_holds_;  // open holding streams per user
};

}  // namespace parley::transport
