#include "store/sqlite/checkpointer.hpp"

#include <pthread.h>

namespace parley::store::sqlite {

Checkpointer::Checkpointer(const std::string& path, Limits limits)
    : db_(path, Connection::Mode::read_write), limits_(limits) {
  // PASSIVE checkpoints never wait, so this connection needs no busy timeout.
  // A connection opens the WAL only when it first reads; until then
  // sqlite3_wal_checkpoint_v2 on it finds no WAL and does nothing.
  db_.exec_script("SELECT count(*) FROM sqlite_master;");
  thread_ = std::thread([this] { loop(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::attach(Connection& db) {
  // sqlite3_wal_hook replaces the hook wal_autocheckpoint installs; the pragma says
  // the same thing for anyone reading the connection's settings.
  db.exec_script("PRAGMA wal_autocheckpoint = 0;");
  sqlite3_wal_hook(db.handle(), &Checkpointer::hook, this);
}

int Checkpointer::hook(void* self, sqlite3* db, const char* schema, int pages) noexcept {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  if (pages >= checkpointer->limits_.restart_pages) {
    // SQLITE_BUSY (a reader held on past the busy timeout) leaves the WAL as it is;
    // the next commit tries again. The commit itself has succeeded either way.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
    checkpointer->checkpoints_.fetch_add(1, std::memory_order_relaxed);
    return SQLITE_OK;
  }
  checkpointer->wal_grew(pages);
  return SQLITE_OK;
}

void Checkpointer::wal_grew(int pages) noexcept {
  if (pages < limits_.passive_pages) return;
  // One wake-up per checkpoint, not one per commit while the checkpoint runs.
  if (signalled_.exchange(true, std::memory_order_acq_rel)) return;
  // Under the mutex, so the wake-up cannot fall between the thread's check of
  // signalled_ and its wait.
  std::lock_guard lock(mutex_);
  wake_.notify_one();
}

void Checkpointer::loop() {
  pthread_setname_np(pthread_self(), "parley-ckpt");
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || signalled_.load(std::memory_order_acquire); });
      if (stopping_) return;
    }
    checkpoint(SQLITE_CHECKPOINT_PASSIVE);
    // Commits during the checkpoint re-signal only after this: the next one past
    // the threshold wakes the thread again.
    signalled_.store(false, std::memory_order_release);
  }
}

void Checkpointer::checkpoint(int mode) noexcept {
  // SQLITE_BUSY (another checkpoint is running) and I/O errors leave the WAL as it
  // is; the next commit past the threshold tries again, and the database stays
  // correct either way: a checkpoint only copies committed pages into the file.
  sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, mode, nullptr, nullptr);
  checkpoints_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace parley::store::sqlite
