// Upgrades of an existing SQLite database: a file written at an older schema version
// opens with its data, and the operations that read what a migration moved behave
// as they did before it.
#include <gtest/gtest.h>

#include <string>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/migrations.hpp"
#include "store_conformance.hpp"

namespace parley::store::testing {
namespace {

using sqlite::Connection;

// Writes a database at schema version `version` (the migrations up to it, nothing
// newer), as an older parley left it.
void create_at_version(const std::string& path, int version) {
  Connection db(path, Connection::Mode::read_write);
  db.exec_script("PRAGMA journal_mode = WAL;");
  for (const auto& m : sqlite::migrations()) {
    if (m.version <= version) db.exec_script(std::string(m.sql).c_str());
  }
  db.exec_script(("PRAGMA user_version = " + std::to_string(version) + ";").c_str());
}

TEST(SqliteMigration, version_2_database_keeps_its_messages_and_deletes_after_upgrade) {
  TempDir dir;
  const std::string path = (dir.path() / "old.db").string();
  create_at_version(path, 2);
  {
    // Room r1: ada and bob joined (1, 2), ada wrote "hello" (3), bob wrote a
    // message (4) and deleted it (5). Version 2 kept authors and `deleted` in
    // the messages table.
    Connection db(path, Connection::Mode::read_write);
    db.exec_script(R"sql(
      INSERT INTO users (id, name, provider, created_at) VALUES
        ('u1', 'ada', 'password', 1), ('u2', 'bob', 'password', 1);
      INSERT INTO rooms (id, name, kind, visibility, owner_id, created_at, last_seq,
                         last_activity, members_count)
        VALUES ('r1', 'general', 'group', 'public', 'u1', 1, 5, 5, 2);
      INSERT INTO members (room_id, user_id, user_name, read_seq, joined_at) VALUES
        ('r1', 'u1', 'ada', 3, 1), ('r1', 'u2', 'bob', 5, 2);
      INSERT INTO events (room_id, seq, kind, created_at, member_id, member_name, action) VALUES
        ('r1', 1, 'member', 1, 'u1', 'ada', 'joined'), ('r1', 2, 'member', 2, 'u2', 'bob', 'joined');
      INSERT INTO events (room_id, seq, kind, created_at, author_id, author_name, text, html) VALUES
        ('r1', 3, 'message', 3, 'u1', 'ada', 'hello', '<p>hello</p>'),
        ('r1', 4, 'message', 4, 'u2', 'bob', '', '');
      INSERT INTO events (room_id, seq, kind, created_at, target_seq, user_id) VALUES
        ('r1', 5, 'delete', 5, 4, 'u2');
      INSERT INTO messages (room_id, seq, author_id, deleted) VALUES
        ('r1', 3, 'u1', 0), ('r1', 4, 'u2', 1);
    )sql");
  }

  {
    auto store = open_store("sqlite://" + path, {});
    SyncStore sync(*store);
    auto page = sync.history({.room = "r1", .limit = 10});
    ASSERT_TRUE(page) << page.error().message;
    ASSERT_EQ(page->events.size(), 5u);
    EXPECT_EQ(page->events[2].text, "hello");
    EXPECT_EQ(page->last_seq, 5);

    auto notes = sync.annotations("r1", 1, 5);
    ASSERT_TRUE(notes) << notes.error().message;
    ASSERT_EQ(notes->size(), 1u);
    EXPECT_EQ((*notes)[0].seq, 4);
    EXPECT_TRUE((*notes)[0].deleted);

    // The deleted message stays deleted; the other keeps its author.
    auto edit_deleted = sync.append(EditMessage{"r1", "u2", 4, "again", "again"});
    ASSERT_FALSE(edit_deleted);
    EXPECT_EQ(edit_deleted.error().kind, chat::ErrorKind::not_found);
    auto edit_by_other = sync.append(EditMessage{"r1", "u2", 3, "mine", "mine"});
    ASSERT_FALSE(edit_by_other);
    EXPECT_EQ(edit_by_other.error().kind, chat::ErrorKind::forbidden);
    auto edit = sync.append(EditMessage{"r1", "u1", 3, "hello!", "<p>hello!</p>"});
    ASSERT_TRUE(edit) << edit.error().message;
    EXPECT_EQ(edit->event->seq, 6);
    // A member event is not a message: nothing to react to.
    auto react_member = sync.append(ToggleReaction{"r1", "u1", 1, "+1"});
    ASSERT_FALSE(react_member);
    EXPECT_EQ(react_member.error().kind, chat::ErrorKind::not_found);

    // New messages are written the new way and deleted the new way.
    auto posted = sync.append(PostMessage{"r1", {"u2", "bob", ""}, "new", "new", {}, "c1"});
    ASSERT_TRUE(posted) << posted.error().message;
    EXPECT_EQ(posted->event->seq, 7);
    auto deleted = sync.append(DeleteMessage{"r1", "u1", 3});
    ASSERT_TRUE(deleted) << deleted.error().message;
    notes = sync.annotations("r1", 1, 8);
    ASSERT_TRUE(notes) << notes.error().message;
    ASSERT_EQ(notes->size(), 2u);
    EXPECT_EQ((*notes)[0].seq, 3);
    EXPECT_TRUE((*notes)[0].deleted);
    EXPECT_EQ((*notes)[1].seq, 4);
    EXPECT_TRUE((*notes)[1].deleted);
    auto room = sync.get_room("r1");
    ASSERT_TRUE(room) << room.error().message;
    EXPECT_EQ(room->last_seq, 8);
  }

  Connection db(path, Connection::Mode::read_only);
  sqlite::Query version = db.query("PRAGMA user_version");
  ASSERT_TRUE(version.next());
  EXPECT_EQ(version.int64(0), sqlite::migrations().back().version);
  sqlite::Query table = db.query("SELECT count(*) FROM sqlite_master WHERE name = 'messages'");
  ASSERT_TRUE(table.next());
  EXPECT_EQ(table.int64(0), 0);
  // Version 5: the log is a rowid table in write order, (room_id, seq) a unique index.
  sqlite::Query order = db.query("SELECT room_id, seq FROM events ORDER BY rowid");
  chat::Seq previous = 0;
  int rows = 0;
  while (order.next()) {
    ASSERT_EQ(order.text(0), "r1");
    EXPECT_GT(order.int64(1), previous) << "rows copied in the order they were written";
    previous = order.int64(1);
    ++rows;
  }
  EXPECT_EQ(rows, 8);
  sqlite::Query index = db.query(
      "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'events_by_seq'");
  ASSERT_TRUE(index.next());
  EXPECT_EQ(index.int64(0), 1);
}

}  // namespace
}  // namespace parley::store::testing
