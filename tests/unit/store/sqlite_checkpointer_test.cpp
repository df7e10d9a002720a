// The checkpointer (checkpointer.hpp): the writer's connection never checkpoints,
// the checkpointer's thread does, and the WAL stays bounded under a steady stream
// of commits.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "store/sqlite/checkpointer.hpp"
#include "store_conformance.hpp"

namespace parley::store::sqlite {
namespace {

using testing::TempDir;

TEST(SqliteCheckpointer, checkpoints_off_the_writer_and_keeps_the_wal_bounded) {
  TempDir dir;
  const std::string path = (dir.path() / "c.db").string();
  Connection writer(path, Connection::Mode::read_write);
  writer.exec_script(
      "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;"
      "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL);");
  Checkpointer checkpointer(path, {.passive_pages = 20, .restart_pages = 200});
  checkpointer.attach(writer);

  // 400 commits of ~10 pages each: ~4,000 pages (16 MiB) of WAL without checkpoints.
  const std::string value(4000, 'x');
  for (int commit = 0; commit < 400; ++commit) {
    writer.exec("BEGIN IMMEDIATE");
    for (int i = 0; i < 10; ++i) writer.exec("INSERT INTO t (v) VALUES (?1)", value);
    writer.exec("COMMIT");
  }
  EXPECT_GT(checkpointer.checkpoints(), 0);
  const auto wal_bytes = std::filesystem::file_size(path + "-wal");
  // The restart threshold plus what commits add while a checkpoint runs or while a
  // RESTART gives up (busy): under a loaded machine (the full suite at -j2) that has
  // reached 5 MiB, a third of the 16 MiB these commits write.
  EXPECT_LT(wal_bytes, 8u << 20) << "WAL of " << wal_bytes << " bytes";

  // Everything committed is readable from a fresh connection.
  Connection reader(path, Connection::Mode::read_only);
  Query q = reader.query("SELECT count(*) FROM t");
  ASSERT_TRUE(q.next());
  EXPECT_EQ(q.int64(0), 4000);
}

}  // namespace
}  // namespace parley::store::sqlite
