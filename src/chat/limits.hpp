#pragma once
// Named limits of the domain (API.md "Limits and bad input"). Every transport
// enforces the same numbers because they all validate through the domain.
#include <cstddef>
#include <cstdint>

namespace parley::chat {

struct Limits {
  std::size_t max_msg_bytes = 4096;  // MAX_MSG_SIZE_BYTE: text of one message, UTF-8 bytes
  std::size_t max_room_name_bytes = 80;
  std::size_t min_username = 2;
  std::size_t max_username = 32;
  std::size_t min_password = 8;
  std::size_t max_password = 256;
  std::size_t max_display_name = 48;  // guest names
  std::size_t max_client_id = 64;
  std::size_t max_emoji_bytes = 32;
  int history_default = 50;
  int history_max = 100;
  std::int64_t max_msgs = 0;      // MAX_MSGS: per-room retention in events, 0 = keep all
  int retention_days = 0;         // RETENTION_DAYS: events older than this go, 0 = keep all
  double send_rate_per_sec = 10;  // per-user sustained sends
  double send_burst = 20;         // per-user burst
};

}  // namespace parley::chat
