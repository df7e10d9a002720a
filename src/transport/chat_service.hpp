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
#include <optional>
#include <string>

#include "chat/error.hpp"
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
  boost::asio::awaitable<chat::Result<Appended>> join(const Identity& who, const std::string& room);
  boost::asio::awaitable<chat::Result<Appended>> leave(const Identity& who,
                                                       const std::string& room);
  // Moves the read marker forward and tells the room (transient `read`).
  boost::asio::awaitable<chat::Result<chat::Seq>> mark_read(const Identity& who,
                                                            const std::string& room, chat::Seq seq);
  // The room if `who` may view it; not_found otherwise (private rooms don't leak).
  boost::asio::awaitable<chat::Result<chat::Room>> viewable_room(const Identity& who,
                                                                 const std::string& room);
  // Transient typing notice to the room's subscribers.
  void typing(const Identity& who, const std::string& room, bool on);

  Services& services() noexcept { return s_; }

 private:
  // Takes a reference (see blocking.hpp): callers keep `cmd` alive across the await.
  boost::asio::awaitable<chat::Result<Appended>> append(const store::Command& cmd);
  void publish(const chat::Event& e);

  Services& s_;
};

}  // namespace parley::transport
