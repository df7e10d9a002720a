#pragma once
// The bus: how what the services publish reaches every subscriber, on this instance
// (LocalBus) or, later, on every instance (a Redis bus behind the same interface).
//
// Three kinds of value cross it, each self-contained so it can be serialised:
// - a stored event of a room's log. It carries its room and seq, and seqs are dense,
//   so a subscriber that sees seq N+2 after N knows it missed one and reads it from
//   the store (transport/streamer.hpp does); a lossy bus loses no message;
// - a notice: transient, never stored (typing, read, presence, matched, ...), to a
//   room, a user's channel or the public-room directory (channels.hpp);
// - a kick: SINGLE_SESSION's order to a user's older connections to close.
//
// Ordering: a publisher's values reach each subscriber in the order it published
// them. The services publish a room's events from the store's commit callback, so
// events of one room are published in seq order.
#include <cstdint>
#include <string>

#include "chat/types.hpp"

namespace parley::bus {

struct Notice {
  std::string channel;  // a room id, bus::user_channel(user) or k_public_rooms_channel
  std::string type;     // the notice's type: the SSE event name
  std::string ws;       // its WebSocket frame: one JSON object with `type`
  std::string sse;      // its SSE data: one JSON object
};

struct Kick {
  chat::UserId user;
  // Every connection of the user that started listening before this serial closes.
  std::uint64_t before_serial = 0;
};

// What the bus delivers to. Called on the publisher's thread (LocalBus) or the bus's
// own (a remote bus); implementations post to where their work belongs.
class Subscriber {
 public:
  virtual void on_event(chat::Event e) = 0;
  virtual void on_notice(const Notice& n) = 0;
  virtual void on_kick(const Kick& k) = 0;

 protected:
  ~Subscriber() = default;
};

class Bus {
 public:
  virtual ~Bus() = default;
  // Safe to call from any thread.
  virtual void publish_event(chat::Event e) = 0;
  virtual void publish_notice(Notice n) = 0;
  virtual void publish_kick(Kick k) = 0;
  // Adds a subscriber; before anything is published (wiring, app/). It must outlive
  // the bus's use.
  virtual void subscribe(Subscriber& s) = 0;
};

}  // namespace parley::bus
