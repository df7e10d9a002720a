#pragma once
// The channels a bus carries besides rooms. A user's own channel carries notices
// meant for a person rather than a room (a direct message arriving, a room joined, a
// random-chat match, a chat ended, a kick) to every live connection of that user; the
// public-room directory tells every page's stream when a public room is created or
// deleted. Their names start with '@' and '~', which no room id can (ids are
// [A-Za-z0-9_-]), so they never collide with rooms.
#include <string>
#include <string_view>

namespace parley::bus {

inline constexpr char k_user_channel_prefix = '@';

inline std::string user_channel(std::string_view user_id) {
  std::string ch(1, k_user_channel_prefix);
  ch += user_id;
  return ch;
}

// Whether `channel` is user_channel(user_id), without building the name: asked for
// every delivery a session receives.
inline bool is_user_channel(std::string_view channel, std::string_view user_id) {
  return channel.size() == user_id.size() + 1 && channel.front() == k_user_channel_prefix &&
         channel.substr(1) == user_id;
}

inline const std::string k_public_rooms_channel = "~public";

}  // namespace parley::bus
