#include "hub/post_batch.hpp"

#include <boost/asio/execution/context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>
#include <utility>

namespace parley::hub {

namespace {
thread_local PostBatch* t_open = nullptr;
}  // namespace

PostBatch::PostBatch() : outermost_(t_open == nullptr) {
  if (outermost_) t_open = this;
}

PostBatch::~PostBatch() {
  if (!outermost_) return;
  t_open = nullptr;
  for (auto& t : targets_) {
    if (t.handlers.size() == 1) {
      boost::asio::post(t.executor, std::move(t.handlers.front()));
      continue;
    }
    boost::asio::post(t.executor, [handlers = std::move(t.handlers)] {
      for (const auto& h : handlers) h();
    });
  }
}

void PostBatch::post(const boost::asio::any_io_executor& ex, std::function<void()> fn) {
  if (t_open == nullptr) {
    boost::asio::post(ex, std::move(fn));
    return;
  }
  const void* context = &boost::asio::query(ex, boost::asio::execution::context);
  auto& targets = t_open->targets_;
  for (auto& t : targets) {
    if (t.context == context) {
      t.handlers.push_back(std::move(fn));
      return;
    }
  }
  targets.push_back(Target{context, ex, {}});
  targets.back().handlers.push_back(std::move(fn));
}

}  // namespace parley::hub
