#pragma once
// Tells the rooms a user is a member of when the user goes online or offline: a
// transient `presence` notice {room, user_id, online} on each room's stream, like
// `typing`. Never stored: presence is not part of the room log.
//
// What it announces is the user's state when the room list arrives, not the
// transition that asked for it, and publishing is serialised: two announcements
// racing through the store (a quick reconnect) cannot leave a stale state last.
// announce() may be called from any thread; after stop() returns nothing more is
// published, which lets shutdown destroy the bus and the hub while store reads still finish.
#include <memory>
#include <mutex>

#include "bus/bus.hpp"
#include "chat/types.hpp"
#include "service/presence.hpp"
#include "store/store.hpp"

namespace parley::service {

class PresenceAnnouncer {
 public:
  PresenceAnnouncer(store::Store& store, bus::Bus& bus, const Presence& presence);
  PresenceAnnouncer(const PresenceAnnouncer&) = delete;
  PresenceAnnouncer& operator=(const PresenceAnnouncer&) = delete;

  void announce(const chat::UserId& user);
  void stop();

 private:
  // Shared with the store callbacks, which may outlive this object.
  struct Target {
    Target(bus::Bus* b, const Presence* p) : bus(b), presence(p) {}
    std::mutex mu;
    bus::Bus* bus;  // null once stopped
    const Presence* presence;
  };
  store::Store& store_;
  std::shared_ptr<Target> target_;
};

}  // namespace parley::service
