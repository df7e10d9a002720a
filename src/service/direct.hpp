#pragma once
// Direct messages (chat-server's `chat` frame and offline list): the one direct room
// of two users, found or made on first use.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chat/error.hpp"
#include "chat/types.hpp"
#include "service/context.hpp"
#include "service/identity.hpp"
#include "service/messages.hpp"

namespace parley::service {

class Direct {
 public:
  Direct(Context& ctx, Messages& messages) : ctx_(ctx), messages_(messages) {}

  // Posts `text` into the one direct room of `who` and `to`; the recipient's
  // connections get a `chat` notice (as for any message posted to a direct room).
  // not_found for an unknown user; invalid for oneself.
  boost::asio::awaitable<chat::Result<Appended>> send(const Identity& who, const chat::UserId& to,
                                                      const std::string& text,
                                                      const std::string& client_id);
  // Direct messages waiting for `who` after its read markers, oldest first: at most
  // k_max_offline, and whether more wait beyond them (they follow once these are read).
  static constexpr int k_max_offline = 500;
  struct Offline {
    std::vector<chat::Event> messages;
    bool has_more = false;
  };
  boost::asio::awaitable<chat::Result<Offline>> offline(const Identity& who);

  // The direct room of `who` and user `other`, made if there is none yet. invalid
  // for oneself; not_found for an unknown user.
  boost::asio::awaitable<chat::Result<chat::Room>> open(const Identity& who,
                                                        const chat::UserId& other);
  // The direct room the two share, if any, without making one.
  boost::asio::awaitable<chat::Result<std::optional<chat::RoomId>>> shared_room(
      const chat::UserId& a, const chat::UserId& b);

 private:
  Context& ctx_;
  Messages& messages_;
};

}  // namespace parley::service
