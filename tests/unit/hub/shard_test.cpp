// The shard's flush schedule: a wide sweep runs in slices, other work runs between
// them, and what arrives mid-sweep reaches the subscribers not yet written.
#include "hub/shard.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace parley::hub {
namespace {

// Records what each flush wrote, as the sequence numbers of the frames it carried.
class Recorder : public Subscriber {
 public:
  explicit Recorder(std::vector<Recorder*>* log = nullptr) : log_(log) {}
  void deliver(const FramesPtr& frames) override { queued_.push_back(frames->seq); }
  void flush() override {
    if (log_) log_->push_back(this);
    if (queued_.empty()) return;
    writes.push_back(queued_);
    queued_.clear();
  }
  std::vector<std::vector<std::int64_t>> writes;

 private:
  std::vector<Recorder*>* log_;
  std::vector<std::int64_t> queued_;
};

FramesPtr event(const std::string& room, std::int64_t seq) {
  auto f = std::make_shared<Frames>();
  f->room = room;
  f->seq = seq;
  return f;
}

// Runs the shard's io_context until it has nothing left to do.
void settle(Shard& shard) {
  shard.context().restart();
  shard.context().run();
}

TEST(Shard, SmallFlushWritesEachSubscriberOnce) {
  Shard shard(0, std::chrono::milliseconds(0));
  Recorder a, b;
  shard.subscribe("r", &a);
  shard.subscribe("r", &b);
  shard.deliver(event("r", 1));
  shard.deliver(event("r", 2));
  settle(shard);
  // Both events of the burst share one write.
  EXPECT_EQ(a.writes, (std::vector<std::vector<std::int64_t>>{{1, 2}}));
  EXPECT_EQ(b.writes, a.writes);
}

TEST(Shard, EventArrivingMidSweepRidesItForSubscribersNotYetWritten) {
  Shard shard(0, std::chrono::milliseconds(0));
  std::vector<Recorder*> order;
  constexpr std::size_t n = 1000;  // several slices
  std::vector<std::unique_ptr<Recorder>> subs;
  for (std::size_t i = 0; i < n; ++i) {
    subs.push_back(std::make_unique<Recorder>(&order));
    shard.subscribe("r", subs.back().get());
  }
  shard.deliver(event("r", 1));
  // Runs once the first slice has been written: the sweep must have yielded.
  std::size_t written_before_second = 0;
  boost::asio::post(shard.context(), [&] {
    boost::asio::post(shard.context(), [&] {
      written_before_second = order.size();
      shard.deliver(event("r", 2));
    });
  });
  settle(shard);
  ASSERT_GT(written_before_second, 0u);
  ASSERT_LT(written_before_second, n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& w = subs[i]->writes;
    // Every subscriber gets both events exactly once, in order.
    std::vector<std::int64_t> all;
    for (const auto& one : w) all.insert(all.end(), one.begin(), one.end());
    ASSERT_EQ(all, (std::vector<std::int64_t>{1, 2})) << "subscriber " << i;
  }
  // Those the sweep had not reached took both events in one write.
  std::size_t joined = 0;
  for (const auto& s : subs) joined += s->writes.size() == 1;
  EXPECT_EQ(joined, n - written_before_second);
}

TEST(Shard, SubscriberForgottenMidSweepIsNotFlushed) {
  Shard shard(0, std::chrono::milliseconds(0));
  std::vector<Recorder*> order;
  constexpr std::size_t n = 1000;
  std::vector<std::unique_ptr<Recorder>> subs;
  for (std::size_t i = 0; i < n; ++i) {
    subs.push_back(std::make_unique<Recorder>(&order));
    shard.subscribe("r", subs.back().get());
  }
  shard.deliver(event("r", 1));
  Recorder* gone = nullptr;
  boost::asio::post(shard.context(), [&] {
    boost::asio::post(shard.context(), [&] {
      // The last one the sweep will reach; destroyed as a closing session would be.
      std::vector<Recorder*> flushed(order.begin(), order.end());
      for (auto& s : subs) {
        if (std::find(flushed.begin(), flushed.end(), s.get()) == flushed.end()) gone = s.get();
      }
      ASSERT_NE(gone, nullptr);
      shard.forget(gone, {"r"});
    });
  });
  settle(shard);
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(std::count(order.begin(), order.end(), gone), 0);
  EXPECT_EQ(order.size(), n - 1);
  EXPECT_EQ(shard.subscribers("r"), n - 1);
}

TEST(Shard, DirtyDuringSweepIsFlushedAfterIt) {
  Shard shard(0, std::chrono::milliseconds(0));
  constexpr std::size_t n = 1000;
  std::vector<std::unique_ptr<Recorder>> subs;
  for (std::size_t i = 0; i < n; ++i) {
    subs.push_back(std::make_unique<Recorder>());
    shard.subscribe("r", subs.back().get());
  }
  Recorder late;  // not in the room: output of its own (an ack) during the sweep
  shard.deliver(event("r", 1));
  boost::asio::post(shard.context(), [&] {
    late.deliver(event("ack", 7));
    shard.mark_dirty(&late);
  });
  settle(shard);
  EXPECT_EQ(late.writes, (std::vector<std::vector<std::int64_t>>{{7}}));
  for (const auto& s : subs) EXPECT_EQ(s->writes.size(), 1u);
}

// Writes take as long as the test says: the shard judges a sweep by its duration.
class SlowRecorder : public Recorder {
 public:
  explicit SlowRecorder(std::chrono::microseconds cost) : cost_(cost) {}
  void flush() override {
    const auto until = std::chrono::steady_clock::now() + cost_;
    while (std::chrono::steady_clock::now() < until) {
    }
    Recorder::flush();
  }

 private:
  std::chrono::microseconds cost_;
};

TEST(Shard, CheapSweepsFlushWithoutWaitingForTheWindow) {
  Shard shard(0, std::chrono::seconds(10));
  Recorder a;
  shard.subscribe("r", &a);
  shard.deliver(event("r", 1));
  shard.context().poll();  // ready handlers only: no timer has fired
  EXPECT_EQ(a.writes, (std::vector<std::vector<std::int64_t>>{{1}}));
  shard.deliver(event("r", 2));
  shard.context().restart();
  shard.context().poll();
  EXPECT_EQ(a.writes, (std::vector<std::vector<std::int64_t>>{{1}, {2}}));
}

TEST(Shard, AfterACostlySweepTheNextEventsWaitTheWindowAndShareAWrite) {
  // A long window: the poll() below must run before the timer could expire, even on
  // a machine busy enough to stall this thread for a while.
  const auto window = std::chrono::milliseconds(400);
  Shard shard(0, window);
  SlowRecorder a{std::chrono::microseconds(window) / 2};  // the cost that makes it wait
  shard.subscribe("r", &a);
  shard.deliver(event("r", 1));
  shard.context().poll();
  ASSERT_EQ(a.writes.size(), 1u);
  shard.deliver(event("r", 2));
  shard.context().restart();
  shard.context().poll();
  EXPECT_EQ(a.writes.size(), 1u) << "flushed without waiting for the window";
  shard.deliver(event("r", 3));
  settle(shard);
  EXPECT_EQ(a.writes, (std::vector<std::vector<std::int64_t>>{{1}, {2, 3}}));
}

}  // namespace
}  // namespace parley::hub
