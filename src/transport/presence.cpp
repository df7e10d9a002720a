#include "transport/presence.hpp"

namespace parley::transport {

bool Presence::add(const std::string& user_id) {
  std::lock_guard lock(mu_);
  return ++connections_[user_id] == 1;
}

bool Presence::remove(const std::string& user_id) {
  std::lock_guard lock(mu_);
  auto it = connections_.find(user_id);
  if (it == connections_.end()) return false;
  if (--it->second > 0) return false;
  connections_.erase(it);
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

}  // namespace parley::transport
