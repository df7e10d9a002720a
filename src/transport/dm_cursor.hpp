#pragma once
// Where a client is in its direct messages on /api/events: the SSE `id:` of each
// `chat` event there, and what a reconnect's Last-Event-ID (or `?since=`) says.
//
// Format: "<created_at ms>.<room>.<seq>", e.g. "1795400813058.Zk3x9_a.17". Room ids
// are [A-Za-z0-9_-], so the two dots split it unambiguously. Cursors order by time,
// then room, then seq: the time is stamped by the store's single writer in commit
// order, so across rooms this is the order the store wrote the messages in, and
// within a room it is seq order. A DM is "already delivered" when its cursor is not
// after the client's.
#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "chat/types.hpp"

namespace parley::transport {

struct DmCursor {
  chat::TimeMs at = 0;
  chat::RoomId room;
  chat::Seq seq = 0;

  auto operator<=>(const DmCursor&) const = default;

  static DmCursor of(const chat::Event& e) { return {e.created_at, e.room, e.seq}; }
  std::string to_string() const;
  // nullopt unless `s` is exactly a cursor to_string() could have made.
  static std::optional<DmCursor> parse(std::string_view s);
};

// chat::format_time()'s inverse ("2026-11-23T03:06:53.058Z" -> ms); nullopt for anything
// else.
std::optional<chat::TimeMs> parse_time(std::string_view s);

}  // namespace parley::transport
