#pragma once
// The checkpointer: one thread with its own connection that copies the WAL back
// into the database file, so the writer thread never does (the writer's connection
// runs with wal_autocheckpoint = 0).
//
// Promises:
// - wal_grew() is what the writer's WAL hook calls after each commit, on the writer
//   thread; it only stores a number and, past the threshold, wakes this thread.
// - Past `passive_pages` WAL pages a PASSIVE checkpoint runs: it never blocks the
//   writer or a reader, and copies what no reader still needs. Once the WAL has
//   been copied in full, the writer's next transaction starts writing it from the
//   beginning again, so its file stops growing.
// - Under a steady stream of commits a PASSIVE checkpoint may never catch up with
//   the writer (the WAL restarts only when a checkpoint has copied all of it before
//   the next write begins), and then the WAL would grow without end. Past
//   `restart_pages` the writer's own connection runs a RESTART checkpoint, inline
//   in the hook, on the writer thread: it copies what PASSIVE left over and waits
//   (the writer's busy timeout) for readers to leave the old WAL, so the next
//   group starts the WAL from its beginning. Another thread could not do this: it
//   would wait for a write lock that the busy writer takes again at once.
// - The destructor stops the thread (a checkpoint in progress finishes first).
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/connection.hpp"

namespace parley::store::sqlite {

class Checkpointer {
 public:
  struct Limits {
    int passive_pages = 1000;   // SQLite's own wal_autocheckpoint default
    int restart_pages = 16384;  // 64 MiB at 4 KiB pages
  };

  // Opens its own read-write connection to path.
  Checkpointer(const std::string& path, Limits limits);
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;
  ~Checkpointer();

  // Installs this checkpointer as `db`'s WAL hook and turns off that connection's
  // automatic checkpoints. `db` must be destroyed before this, and its hook runs
  // (on commits) only on the thread that owns `db`.
  void attach(Connection& db);

  // The WAL now holds `pages` pages. Any thread; cheap.
  void wal_grew(int pages) noexcept;

  // Checkpoints run so far (for tests): passive, and restarts on the writer.
  int checkpoints() const noexcept { return checkpoints_.load(std::memory_order_relaxed); }

 private:
  static int hook(void* self, sqlite3* db, const char* schema, int pages) noexcept;
  void loop();
  void checkpoint(int mode) noexcept;

  Connection db_;
  Limits limits_;
  std::atomic<bool> signalled_{false};
  std::atomic<int> checkpoints_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parley::store::sqlite
