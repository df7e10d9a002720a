#pragma once
// Posting a burst of handlers to the shards from one foreign thread, as one post
// per shard. The store's writer completes a commit group with an ack and a publish
// per message; posted one by one, each costs the target io_context's lock, a queue
// push and, when the shard sleeps, a wake-up system call (docs/PERFORMANCE.md,
// Findings 10). While a PostBatch is open on a thread, PostBatch::post
// collects the handlers per execution context; the outermost batch's destructor
// posts one handler per context that runs them in the order they were given.
//
// Promises: handlers for one context run in post order, on that context, exactly
// as asio::post would run them; handlers for different contexts are unordered
// (as with asio::post from one thread to several contexts). Without an open batch,
// post() is asio::post.
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <vector>

namespace parley::hub {

class PostBatch {
 public:
  // Opens a batch on this thread; a batch opened inside another is part of it.
  PostBatch();
  // Posts what the batch collected (the outermost batch only).
  ~PostBatch();
  PostBatch(const PostBatch&) = delete;
  PostBatch& operator=(const PostBatch&) = delete;

  static void post(const boost::asio::any_io_executor& ex, std::function<void()> fn);

 private:
  struct Target {
    const void* context;
    boost::asio::any_io_executor executor;
    std::vector<std::function<void()>> handlers;
  };
  bool outermost_;
  std::vector<Target> targets_;  // one per context: a handful, searched in order
};

}  // namespace parley::hub
