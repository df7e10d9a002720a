#pragma once
// Who is online on this instance: users with at least one live WebSocket or SSE
// connection. Thread-safe; touched once per connection open/close, not per message.
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace parley::service {

class Presence {
 public:
  // Called, outside the lock, with the user whose first connection opened or last
  // one closed (PresenceAnnouncer tells their rooms). Set once, before any session.
  void on_change(std::function<void(const std::string& user_id)> listener);
  // True when this made the user go online (first connection).
  bool add(const std::string& user_id);
  // True when this made the user go offline (last connection).
  bool remove(const std::string& user_id);
  bool online(const std::string& user_id) const;
  std::vector<std::string> users() const;

 private:
  std::function<void(const std::string& user_id)> listener_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, int> connections_;
};

}  // namespace parley::service
