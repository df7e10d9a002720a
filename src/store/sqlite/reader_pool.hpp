#pragma once
// A few threads, each with its own read-only connection, that run the store's
// reads. In WAL mode a reader never waits for the writer and sees only committed
// data; each task runs in one read transaction, so it sees one consistent snapshot
// even across several queries. Callbacks run on the reader thread that ran the task.
// The destructor runs every task already queued and joins the threads; a task
// submitted after destruction began gets `unavailable` at once.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/task.hpp"

namespace parley::store::sqlite {

class ReaderPool {
 public:
  // Opens `threads` read-only connections to path (at least one).
  ReaderPool(const std::string& path, int threads);
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;
  ~ReaderPool();

  template <class T>
  void submit(Work<T> work, Callback<T> done) {
    enqueue([work = std::move(work), done = std::move(done)](Connection* db) {
      if (db == nullptr) {
        deliver<T>(done, chat::fail(chat::ErrorKind::unavailable, "the store is shutting down"));
      } else {
        deliver<T>(done, run_read(work, *db));
      }
    });
  }

 private:
  // Runs with the thread's connection, or with nullptr when the pool is stopping.
  using Task = std::function<void(Connection*)>;

  template <class T>
  static chat::Result<T> run_read(const Work<T>& work, Connection& db) {
    // BEGIN (deferred) takes the snapshot at the first read and end_read releases
    // it, so an idle reader does not pin old WAL frames between tasks.
    auto result = run_guarded<T>(
        [&work](Connection& c) -> chat::Result<T> {
          c.exec("BEGIN");
          return work(c);
        },
        db);
    end_read(db);
    return result;
  }

  static void end_read(Connection& db) noexcept;
  void enqueue(Task task);
  void loop(Connection db);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace parley::store::sqlite
