#include "store/sqlite/writer.hpp"

#include <pthread.h>

#include <future>
#include <utility>

namespace parley::store::sqlite {

namespace {

// Bounds one group, so the first task of a huge burst is not held back until
// thousands behind it have run: latency stays bounded while throughput keeps the
// benefit of sharing one commit.
constexpr std::size_t k_max_group = 4096;

}  // namespace

Writer::Writer(Connection db, CallbackScope callback_scope)
    : db_(std::move(db)), callback_scope_(std::move(callback_scope)) {
  db_.set_deferred(&deferred_);
  thread_ = std::thread([this] { loop(); });
}

Writer::~Writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

chat::Error Writer::unavailable_error() {
  return {chat::ErrorKind::unavailable, "the store is shutting down"};
}

void Writer::enqueue(std::unique_ptr<Task> task) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(task));
      wake_.notify_one();
      return;
    }
  }
  // Only during shutdown: there is no thread left to call back on.
  const chat::Error error = unavailable_error();
  task->complete(&error);
}

void Writer::flush() {
  std::promise<void> committed;
  auto future = committed.get_future();
  submit<void>([](Connection&) -> chat::Result<void> { return {}; },
               [&committed](chat::Result<void>) { committed.set_value(); });
  future.wait();
}

void Writer::loop() {
  pthread_setname_np(pthread_self(), "parley-writer");
  std::deque<std::unique_ptr<Task>> group;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      // Stopping still drains: tasks queued before the destructor are committed.
      if (queue_.empty()) return;
      if (queue_.size() <= k_max_group) {
        group.swap(queue_);
      } else {
        for (std::size_t i = 0; i < k_max_group; ++i) {
          group.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
    }
    run_group(group);
    group.clear();
  }
}

void Writer::run_group(std::deque<std::unique_ptr<Task>>& group) {
  std::optional<chat::Error> failure;
  try {
    db_.exec("BEGIN IMMEDIATE");
    for (auto& task : group) {
      db_.exec("SAVEPOINT task");
      const bool keep = task->run(db_);
      // A failed statement can make SQLite abandon the whole transaction (disk full,
      // I/O error); the tasks before this one are then lost too.
      if (!db_.in_transaction()) throw Error(SQLITE_ABORT, "sqlite: transaction rolled back");
      if (!keep) db_.exec("ROLLBACK TO task");
      db_.exec("RELEASE task");
      deferred_.end_task(keep);
    }
    deferred_.write(db_);
    db_.exec("COMMIT");
  } catch (const std::exception& e) {
    deferred_.clear();
    failure = chat::Error{chat::ErrorKind::internal, std::string("storage error: ") + e.what()};
    if (db_.in_transaction()) {
      try {
        db_.exec("ROLLBACK");
      } catch (...) {
        // Nothing more to do: the next BEGIN fails the same way and says so.
      }
    }
  }
  const auto complete_all = [&] {
    for (auto& task : group) task->complete(failure ? &*failure : nullptr);
  };
  if (callback_scope_) {
    callback_scope_(complete_all);
  } else {
    complete_all();
  }
}

}  // namespace parley::store::sqlite
