#include "bus/local_bus.hpp"

#include <utility>

namespace parley::bus {

void LocalBus::publish_event(chat::Event e) {
  // The last subscriber takes the event itself; the others (none, in the server) a
  // copy.
  for (std::size_t i = 0; i < subscribers_.size(); ++i) {
    if (i + 1 == subscribers_.size()) {
      subscribers_[i]->on_event(std::move(e));
    } else {
      subscribers_[i]->on_event(e);
    }
  }
}

void LocalBus::publish_notice(Notice n) {
  for (auto* s : subscribers_) s->on_notice(n);
}

void LocalBus::publish_kick(Kick k) {
  for (auto* s : subscribers_) s->on_kick(k);
}

}  // namespace parley::bus
