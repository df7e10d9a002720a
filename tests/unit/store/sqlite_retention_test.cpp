// Retention by age in the SQLite store (retention.hpp): a sweep is cut into
// batches that each stay within their budget of rooms and events, and the batches
// together remove exactly each room's prefix of old events.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/sqlite/migrations.hpp"
#include "store/sqlite/retention.hpp"
#include "store_conformance.hpp"

namespace parley::store::sqlite {
namespace {

using testing::TempDir;

class SqliteRetention : public ::testing::Test {
 protected:
  SqliteRetention() : db_((dir_.path() / "r.db").string(), Connection::Mode::read_write) {
    migrate(db_);
  }

  // A room whose events seq 1..times.size() were created at those times.
  void room(const std::string& id, const std::vector<chat::TimeMs>& times,
            const std::string& kind = "group") {
    db_.exec(
        "INSERT INTO rooms (id, name, kind, visibility, created_at, last_seq, last_activity) "
        "VALUES (?1, ?1, ?3, 'public', 0, ?2, 0)",
        id, static_cast<std::int64_t>(times.size()), kind);
    for (std::size_t i = 0; i < times.size(); ++i) {
      db_.exec("INSERT INTO events (room_id, seq, kind, created_at) VALUES (?1, ?2, 'message', ?3)",
               id, static_cast<std::int64_t>(i + 1), times[i]);
    }
  }

  std::vector<std::int64_t> seqs(const std::string& id) {
    std::vector<std::int64_t> out;
    Query q = db_.query("SELECT seq FROM events WHERE room_id = ?1 ORDER BY seq", id);
    while (q.next()) out.push_back(q.int64(0));
    return out;
  }

  void member(const std::string& room, const std::string& user, std::int64_t read_seq) {
    db_.exec(
        "INSERT INTO members (room_id, user_id, user_name, read_seq, joined_at) "
        "VALUES (?1, ?2, ?2, ?3, 0)",
        room, user, read_seq);
  }

  TempDir dir_;
  Connection db_;
};

TEST_F(SqliteRetention, a_direct_message_is_kept_until_both_members_have_read_it) {
  room("dm", {10, 20, 30, 40}, "direct");  // all old
  member("dm", "ann", 4);
  member("dm", "bob", 2);  // has not read 3 and 4
  room("g", {10, 20, 30, 40});
  member("g", "bob", 1);  // group rooms keep no unread messages back
  auto batch = prune_batch(db_, "", 100, {.rooms = 10, .events = 100});
  EXPECT_TRUE(batch.finished);
  EXPECT_EQ(seqs("dm"), (std::vector<std::int64_t>{3, 4}));
  EXPECT_TRUE(seqs("g").empty());
}

TEST_F(SqliteRetention, batches_keep_to_their_budget_and_resume_where_they_stopped) {
  // cutoff 100: times below it are old.
  room("a", {10, 20, 30, 40, 50});  // all old
  room("b", {10, 200, 30});         // an event that is not old protects what follows
  room("c", {500, 600});            // nothing old
  room("d", {1, 2, 3});             // all old
  const RetentionBudget budget{.rooms = 2, .events = 3};

  std::vector<RetentionBatch> batches;
  chat::RoomId from;
  for (int i = 0; i < 20; ++i) {
    batches.push_back(prune_batch(db_, from, 100, budget));
    EXPECT_LE(batches.back().removed, budget.events);
    if (batches.back().finished) break;
    from = batches.back().resume_from;
  }
  ASSERT_TRUE(batches.back().finished);
  std::int64_t removed = 0;
  for (const auto& b : batches) removed += b.removed;
  EXPECT_EQ(removed, 5 + 1 + 0 + 3);
  EXPECT_GE(batches.size(), 3u) << "9 events at 3 a batch";

  EXPECT_TRUE(seqs("a").empty());
  EXPECT_EQ(seqs("b"), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(seqs("c"), (std::vector<std::int64_t>{1, 2}));
  EXPECT_TRUE(seqs("d").empty());

  // A sweep with nothing left to do removes nothing and finishes in one batch per
  // `rooms` rooms.
  auto again = prune_batch(db_, "", 100, {.rooms = 10, .events = 3});
  EXPECT_TRUE(again.finished);
  EXPECT_EQ(again.removed, 0);
}

TEST_F(SqliteRetention, reactions_to_removed_messages_go_with_them) {
  room("a", {10, 20, 300});
  for (std::int64_t target : {1, 3}) {
    db_.exec(
        "INSERT INTO reactions (room_id, target_seq, emoji, user_id, first_at) "
        "VALUES ('a', ?1, 'x', 'u', 0)",
        target);
  }
  EXPECT_EQ(prune_batch(db_, "", 100).removed, 2);
  Query q = db_.query("SELECT target_seq FROM reactions WHERE room_id = 'a'");
  ASSERT_TRUE(q.next());
  EXPECT_EQ(q.int64(0), 3);
  EXPECT_FALSE(q.next());
}

}  // namespace
}  // namespace parley::store::sqlite
