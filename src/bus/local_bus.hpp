#pragma once
// The bus of one instance (REDIS_URL empty): each value goes straight to every
// subscriber on the publishing thread, so publishing costs a call, and a
// publisher's order is every subscriber's order.
#include <vector>

#include "bus/bus.hpp"

namespace parley::bus {

class LocalBus final : public Bus {
 public:
  void publish_event(chat::Event e) override;
  void publish_notice(Notice n) override;
  void publish_kick(Kick k) override;
  void subscribe(Subscriber& s) override { subscribers_.push_back(&s); }

 private:
  std::vector<Subscriber*> subscribers_;  // fixed once publishing starts: no lock
};

}  // namespace parley::bus
