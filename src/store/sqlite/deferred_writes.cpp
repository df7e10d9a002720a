#include "store/sqlite/deferred_writes.hpp"

#include "store/sqlite/connection.hpp"

namespace parley::store::sqlite {

std::string DeferredWrites::member_key(const chat::RoomId& room, const chat::UserId& user) {
  std::string key;
  key.reserve(room.size() + 1 + user.size());
  key.append(room).push_back('\0');
  key.append(user);
  return key;
}

const DeferredWrites::RoomCounter* DeferredWrites::room(const chat::RoomId& id) const {
  const auto it = rooms_.find(id);
  return it == rooms_.end() ? nullptr : &it->second;
}

std::optional<chat::Seq> DeferredWrites::read_seq(const chat::RoomId& room,
                                                  const chat::UserId& user) const {
  const auto it = reads_.find(member_key(room, user));
  return it == reads_.end() ? std::nullopt : it->second;
}

void DeferredWrites::set_room(const chat::RoomId& id, RoomCounter counter) {
  auto [it, inserted] = rooms_.try_emplace(id, counter);
  Undo undo{true, id, std::nullopt, std::nullopt};
  if (!inserted) {
    undo.room = it->second;
    it->second = counter;
  }
  undo_.push_back(std::move(undo));
}

void DeferredWrites::set_read_seq(const chat::RoomId& room, const chat::UserId& user,
                                  chat::Seq seq) {
  std::string key = member_key(room, user);
  auto [it, inserted] = reads_.try_emplace(key, seq);
  Undo undo{false, std::move(key), std::nullopt, std::nullopt};
  if (!inserted) {
    undo.read_seq = it->second;
    it->second = seq;
  }
  undo_.push_back(std::move(undo));
}

void DeferredWrites::forget_read_seq(const chat::RoomId& room, const chat::UserId& user) {
  std::string key = member_key(room, user);
  auto [it, inserted] = reads_.try_emplace(key, std::nullopt);
  Undo undo{false, std::move(key), std::nullopt, std::nullopt};
  if (!inserted) {
    undo.read_seq = it->second;
    it->second = std::nullopt;
  }
  undo_.push_back(std::move(undo));
}

void DeferredWrites::end_task(bool keep) {
  if (!keep) {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
      if (it->is_room) {
        if (it->room) {
          rooms_[it->key] = *it->room;
        } else {
          rooms_.erase(it->key);
        }
      } else if (it->read_seq) {
        reads_[it->key] = *it->read_seq;
      } else {
        reads_.erase(it->key);
      }
    }
  }
  undo_.clear();
}

void DeferredWrites::write(Connection& db) {
  for (const auto& [id, counter] : rooms_) {
    db.exec("UPDATE rooms SET last_seq = ?2, last_activity = ?3 WHERE id = ?1", id,
            counter.last_seq, counter.last_activity);
  }
  for (const auto& [key, seq] : reads_) {
    if (!seq) continue;
    const auto split = key.find('\0');
    const std::string_view room = std::string_view(key).substr(0, split);
    const std::string_view user = std::string_view(key).substr(split + 1);
    db.exec("UPDATE members SET read_seq = ?3 WHERE room_id = ?1 AND user_id = ?2", room, user,
            *seq);
  }
  clear();
}

void DeferredWrites::clear() {
  rooms_.clear();
  reads_.clear();
  undo_.clear();
}

}  // namespace parley::store::sqlite
