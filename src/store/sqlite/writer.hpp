#pragma once
// The single writer: one thread owning the database's only write connection.
//
// Promises:
// - Tasks run one at a time, in submission order, so a task sees every earlier
//   task's writes and decisions taken inside a task cannot race another write.
// - Group commit: the thread takes every queued task, runs them all in one
//   transaction (each in its own savepoint, so a task that fails rolls back alone),
//   commits once, and only then calls their callbacks, on the writer thread, in
//   order, all inside one call of the CallbackScope when one is given. One fsync is
//   shared by the whole group.
// - The rows every append repeats (a room's last_seq, its author's read marker) are
//   written once per group, at its end (deferred_writes.hpp).
// - If the commit itself fails, every task of the group gets that internal error.
// - The destructor runs every task already queued, commits, and joins the thread.
//   A task submitted after destruction began gets `unavailable` at once.
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "store/sqlite/deferred_writes.hpp"
#include "store/sqlite/task.hpp"

namespace parley::store::sqlite {

class Writer {
 public:
  // Takes the connection over; it must already be migrated and configured.
  explicit Writer(Connection db, CallbackScope callback_scope = {});
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer();

  template <class T>
  void submit(Work<T> work, Callback<T> done) {
    enqueue(std::make_unique<Typed<T>>(std::move(work), std::move(done)));
  }

  // Blocks until every task submitted before the call is committed and its
  // callback has returned. Must not be called on the writer thread.
  void flush();

 private:
  class Task {
   public:
    virtual ~Task() = default;
    // Runs inside the open transaction; false: roll this task's changes back.
    virtual bool run(Connection& db) noexcept = 0;
    // After the group committed (failure == nullptr) or did not.
    virtual void complete(const chat::Error* failure) noexcept = 0;
  };

  template <class T>
  class Typed final : public Task {
   public:
    Typed(Work<T> work, Callback<T> done) : work_(std::move(work)), done_(std::move(done)) {}
    bool run(Connection& db) noexcept override {
      result_.emplace(run_guarded(work_, db));
      return result_->has_value();
    }
    void complete(const chat::Error* failure) noexcept override {
      if (failure != nullptr || !result_) {
        deliver<T>(done_, failure ? *failure : unavailable_error());
      } else {
        deliver<T>(done_, std::move(*result_));
      }
    }

   private:
    Work<T> work_;
    Callback<T> done_;
    std::optional<chat::Result<T>> result_;
  };

  static chat::Error unavailable_error();
  void enqueue(std::unique_ptr<Task> task);
  void loop();
  void run_group(std::deque<std::unique_ptr<Task>>& group);

  Connection db_;
  CallbackScope callback_scope_;
  DeferredWrites deferred_;  // attached to db_
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Task>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parley::store::sqlite
