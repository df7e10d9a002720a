#include "hub/hub.hpp"

#include "hub/post_batch.hpp"

namespace parley::hub {

Hub::Hub(std::size_t shards, std::chrono::microseconds flush_window) {
  shards_.reserve(shards);
  for (std::size_t i = 0; i < shards; ++i) {
    shards_.push_back(std::make_unique<Shard>(i, flush_window));
  }
}

void Hub::publish(FramesPtr frames) {
  for (auto& s : shards_) {
    Shard* shard = s.get();
    PostBatch::post(shard->context().get_executor(), [shard, frames] { shard->deliver(frames); });
  }
}

void Hub::close() {
  for (auto& s : shards_) s->close();
}

}  // namespace parley::hub
