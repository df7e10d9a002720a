#include "service/presence_announcer.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "service/notices.hpp"

namespace parley::service {

namespace json = boost::json;

PresenceAnnouncer::PresenceAnnouncer(store::Store& store, bus::Bus& bus, const Presence& presence)
    : store_(store), target_(std::make_shared<Target>(&bus, &presence)) {}

void PresenceAnnouncer::announce(const chat::UserId& user) {
  {
    std::lock_guard lock(target_->mu);
    if (target_->bus == nullptr) return;
  }
  store_.list_rooms(user, [target = target_, user](chat::Result<std::vector<chat::RoomSummary>> r) {
    if (!r) return;  // a read error: the next transition, or a page load, shows the truth
    std::lock_guard lock(target->mu);
    if (target->bus == nullptr) return;
    const bool online = target->presence->online(user);
    for (const auto& s : *r) {
      // A member's read marker starts at their join event, so it is never 0; the
      // public rooms the user has not joined are listed with read_seq 0.
      if (s.read_seq <= 0) continue;
      const auto& room = s.room.id;
      json::object ws{{"type", "presence"}, {"room", room}, {"user_id", user}, {"online", online}};
      json::object data{{"room", room}, {"user_id", user}, {"online", online}};
      notify_room(*target->bus, room, "presence", json::serialize(ws), json::serialize(data));
    }
  });
}

void PresenceAnnouncer::stop() {
  std::lock_guard lock(target_->mu);
  target_->bus = nullptr;
}

}  // namespace parley::service
