#pragma once
// A receiver of a room's events inside one shard. Implemented by the WebSocket and
// SSE sessions. Every call happens on the subscriber's own shard thread.
#include "hub/frames.hpp"

namespace parley::hub {

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // A live event of a room this subscriber joined. Must not block: queue and return.
  virtual void deliver(const FramesPtr& frames) = 0;
  // The shard is flushing: write whatever was queued since the last flush.
  virtual void flush() = 0;

 private:
  friend class Shard;
  bool flush_pending_ = false;  // already in the shard's dirty list
};

}  // namespace parley::hub
