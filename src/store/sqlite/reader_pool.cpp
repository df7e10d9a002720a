#include "store/sqlite/reader_pool.hpp"

#include <pthread.h>

#include <algorithm>
#include <utility>

namespace parley::store::sqlite {

ReaderPool::ReaderPool(const std::string& path, int threads) {
  std::vector<Connection> connections;
  for (int i = 0; i < std::max(threads, 1); ++i) {
    Connection db(path, Connection::Mode::read_only);
    // Readers never wait for the writer in WAL mode, but they can meet a checkpoint
    // or a schema change; wait for those instead of failing.
    db.exec_script("PRAGMA busy_timeout = 5000; PRAGMA query_only = 1;");
    connections.push_back(std::move(db));
  }
  for (auto& db : connections) {
    threads_.emplace_back([this, db = std::move(db)]() mutable { loop(std::move(db)); });
  }
}

ReaderPool::~ReaderPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void ReaderPool::end_read(Connection& db) noexcept {
  // A read transaction has nothing to commit; ending it cannot lose data, so an
  // error here is not worth reporting over the read's own result.
  if (db.in_transaction()) sqlite3_exec(db.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

void ReaderPool::enqueue(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(task));
      wake_.notify_one();
      return;
    }
  }
  // Only during shutdown: there is no thread left to call back on.
  task(nullptr);
}

void ReaderPool::loop(Connection db) {
  pthread_setname_np(pthread_self(), "parley-reader");
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task(&db);
  }
}

}  // namespace parley::store::sqlite
