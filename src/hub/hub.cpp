#include "hub/hub.hpp"

#include <boost/asio/post.hpp>

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
    boost::asio::post(shard->context(), [shard, frames] { shard->deliver(frames); });
  }
}

void Hub::close() {
  for (auto& s : shards_) s->close();
}

}  // namespace parley::hub
