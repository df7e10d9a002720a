#pragma once
// The hub: the set of shards and the one way to publish an event to a room.
// publish() may be called from any thread; events of one room published from one
// thread reach each subscriber in the order they were published (each shard's
// io_context runs posted handlers in order on one thread). Its posts join the
// thread's open PostBatch, if any (post_batch.hpp).
#include <memory>
#include <vector>

#include "hub/frames.hpp"
#include "hub/shard.hpp"

namespace parley::hub {

class Hub {
 public:
  Hub(std::size_t shards, std::chrono::microseconds flush_window);

  std::size_t size() const noexcept { return shards_.size(); }
  Shard& shard(std::size_t i) { return *shards_[i]; }

  // Posts the frames to every shard. Every shard, not only those with subscribers:
  // with one shard per core the broadcast costs a post or two, cheaper than keeping
  // a cross-thread index of who listens where in step.
  void publish(FramesPtr frames);

  // After the shard threads have stopped: destroys every shard's io_context, and
  // with it every session, while the services sessions use still exist.
  void close();

 private:
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace parley::hub
