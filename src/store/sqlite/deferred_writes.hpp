#pragma once
// Row updates that every append repeats, held in memory for one group commit and
// written once at its end: a room's counter (rooms.last_seq, last_activity) and the
// read marker (members.read_seq) a message moves for its author. A group with 500
// messages of one room then updates that room's row and its author's member row
// once instead of 500 times each.
//
// Writer thread only. The Writer attaches one to its connection
// (Connection::deferred()); other connections have none, and the helpers below
// (log_writer.hpp, rows.hpp) then read and write the rows directly. While one is
// attached, every read of those two columns on the writer's connection must go
// through load_room / load_member_read_seq, which overlay what is pending.
//
// Like a task's savepoint: end_task(false) undoes what the task changed here, so a
// task that rolls back leaves no seq behind.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/types.hpp"

namespace parley::store::sqlite {

class Connection;

class DeferredWrites {
 public:
  struct RoomCounter {
    chat::Seq last_seq = 0;
    chat::TimeMs last_activity = 0;
  };

  // What the group has set, or nullptr / nothing.
  const RoomCounter* room(const chat::RoomId& id) const;
  std::optional<chat::Seq> read_seq(const chat::RoomId& room, const chat::UserId& user) const;

  void set_room(const chat::RoomId& id, RoomCounter counter);
  void set_read_seq(const chat::RoomId& room, const chat::UserId& user, chat::Seq seq);
  // The member row was inserted or deleted by the task: nothing of the old
  // membership may be written over it at the end of the group.
  void forget_read_seq(const chat::RoomId& room, const chat::UserId& user);

  // After each task: keep its changes, or undo them (it rolled back).
  void end_task(bool keep);
  // Writes every pending row (inside the group's transaction) and empties the set.
  // Throws sqlite::Error like any statement.
  void write(Connection& db);
  // Drops everything pending (the group's transaction was rolled back).
  void clear();

 private:
  static std::string member_key(const chat::RoomId& room, const chat::UserId& user);

  // A read marker entry: nullopt = forgotten (the row is not ours to write).
  using ReadSeq = std::optional<chat::Seq>;

  // One change of the current task, with what it replaced (nullopt: no entry).
  struct Undo {
    bool is_room = false;
    std::string key;
    std::optional<RoomCounter> room;
    std::optional<ReadSeq> read_seq;
  };

  std::unordered_map<chat::RoomId, RoomCounter> rooms_;
  std::unordered_map<std::string, ReadSeq> reads_;  // key: room id '\0' user id
  std::vector<Undo> undo_;
};

}  // namespace parley::store::sqlite
