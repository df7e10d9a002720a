#include "service/presence.hpp"

namespace parley::service {

void Presence::on_change(std::function<void(const std::string& user_id)> listener) {
  listener_ = std::move(listener);
}

bool Presence::add(const std::string& user_id) {
  bool first = false;
  {
    std::lock_guard lock(mu_);
    first = ++connections_[user_id] == 1;
  }
  if (first && listener_) listener_(user_id);
  return first;
}

bool Presence::remove(const std::string& user_id) {
  {
    std::lock_guard lock(mu_);
    auto it = connections_.find(user_id);
    if (it == connections_.end()) return false;
    if (--it->second > 0) return false;
    connections_.erase(it);
  }
  if (listener_) listener_(user_id);
  return true;
}

bool Presence::online(const std::string& user_id) const {
  std::lock_guard lock(mu_);
  return connections_.contains(user_id);
}

std::vector<std::string> Presence::users() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  out.reserve(connections_.size());
  for (const auto& [id, n] : connections_) out.push_back(id);
  return out;
}

}  // namespace parley::service
