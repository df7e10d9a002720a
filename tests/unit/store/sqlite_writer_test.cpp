// The SQLite writer's own promises (writer.hpp): group commit, a failing task
// rolling back alone, callbacks after the commit.
#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <latch>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/writer.hpp"
#include "store_conformance.hpp"

namespace parley::store::sqlite {
namespace {

using testing::TempDir;

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (dir_.path() / "w.db").string();
    Connection db(path_, Connection::Mode::read_write);
    db.exec_script("PRAGMA journal_mode = WAL; CREATE TABLE t (v TEXT PRIMARY KEY);");
    writer_ = std::make_unique<Writer>(std::move(db));
  }

  std::vector<std::string> committed_rows() {
    Connection db(path_, Connection::Mode::read_only);
    std::vector<std::string> out;
    Query q = db.query("SELECT v FROM t ORDER BY v");
    while (q.next()) out.push_back(q.text(0));
    return out;
  }

  // Returns once the writer runs a task that waits for `release`: what is submitted
  // meanwhile queues up behind it, to run as one group.
  void hold_writer(
      std::latch& release, Callback<int> done = [](chat::Result<int>) {}) {
    // Shared with the task: it may still be inside set_value() when wait() returns.
    auto holding = std::make_shared<std::promise<void>>();
    auto started = holding->get_future();
    writer_->submit<int>(
        [holding, &release](Connection&) -> chat::Result<int> {
          holding->set_value();
          release.wait();
          return 0;
        },
        std::move(done));
    started.wait();
  }

  static Work<int> insert(std::string value, bool fail_after = false) {
    return [value, fail_after](Connection& db) -> chat::Result<int> {
      db.exec("INSERT INTO t (v) VALUES (?1)", value);
      if (fail_after) return chat::fail(chat::ErrorKind::forbidden, "no");
      return 1;
    };
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Writer> writer_;
};

TEST_F(WriterTest, queued_tasks_share_one_commit_and_are_called_back_after_it) {
  // Hold the writer in a first task so the next ones queue up behind it.
  std::latch release(1);
  hold_writer(release);

  std::mutex mutex;
  std::vector<std::string> trace;
  std::latch done(5);
  for (int i = 0; i < 5; ++i) {
    const std::string v = "v" + std::to_string(i);
    writer_->submit<int>(
        [&, v](Connection& db) -> chat::Result<int> {
          db.exec("INSERT INTO t (v) VALUES (?1)", v);
          std::lock_guard lock(mutex);
          trace.push_back("run " + v);
          return 1;
        },
        [&, v](chat::Result<int>) {
          {
            std::lock_guard lock(mutex);
            trace.push_back("done " + v);
          }
          done.count_down();
        });
  }
  release.count_down();
  done.wait();
  // All five ran before any was called back: one transaction, one commit.
  const std::vector<std::string> expected = {"run v0",  "run v1",  "run v2",  "run v3",  "run v4",
                                             "done v0", "done v1", "done v2", "done v3", "done v4"};
  EXPECT_EQ(trace, expected);
  EXPECT_EQ(committed_rows().size(), 5u);
}

TEST_F(WriterTest, a_failing_task_rolls_back_alone) {
  std::latch release(1);
  hold_writer(release);

  std::vector<std::future<chat::Result<int>>> results;
  auto submit = [&](Work<int> work) {
    auto p = std::make_shared<std::promise<chat::Result<int>>>();
    results.push_back(p->get_future());
    writer_->submit<int>(std::move(work), [p](chat::Result<int> r) { p->set_value(r); });
  };
  submit(insert("a"));
  submit(insert("b", /*fail_after=*/true));
  submit(insert("a"));  // a constraint violation: an exception inside the task
  submit(insert("c"));
  release.count_down();

  EXPECT_TRUE(results[0].get());
  auto refused = results[1].get();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, chat::ErrorKind::forbidden);
  auto broken = results[2].get();
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().kind, chat::ErrorKind::internal);
  EXPECT_TRUE(results[3].get());
  EXPECT_EQ(committed_rows(), (std::vector<std::string>{"a", "c"}));
}

TEST_F(WriterTest, a_groups_callbacks_run_inside_one_call_of_the_scope) {
  writer_.reset();
  std::mutex mutex;
  std::vector<std::string> trace;
  auto note = [&](std::string s) {
    std::lock_guard lock(mutex);
    trace.push_back(std::move(s));
  };
  writer_ = std::make_unique<Writer>(Connection(path_, Connection::Mode::read_write),
                                     [&](const std::function<void()>& run) {
                                       note("enter");
                                       run();
                                       note("leave");
                                     });
  std::latch release(1);
  hold_writer(release, [&](chat::Result<int>) { note("held"); });
  std::latch done(3);
  for (int i = 0; i < 3; ++i) {
    writer_->submit<int>(insert("s" + std::to_string(i)), [&, i](chat::Result<int> r) {
      note((r ? "done s" : "failed s") + std::to_string(i));
      done.count_down();
    });
  }
  release.count_down();
  done.wait();
  writer_.reset();  // joins the thread: the last "leave" is in
  const std::vector<std::string> expected = {"enter",   "held",    "leave",   "enter",
                                             "done s0", "done s1", "done s2", "leave"};
  EXPECT_EQ(trace, expected);
}

TEST_F(WriterTest, destructor_commits_what_was_queued) {
  for (int i = 0; i < 50; ++i)
    writer_->submit<int>(insert("r" + std::to_string(i)), [](chat::Result<int>) {});
  writer_.reset();
  EXPECT_EQ(committed_rows().size(), 50u);
}

}  // namespace
}  // namespace parley::store::sqlite
