// PostBatch's promises (post_batch.hpp): one post per context for a batch, handlers
// in order, nothing posted before the outermost batch closes, asio::post without one.
#include "hub/post_batch.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <string>
#include <vector>

namespace parley::hub {
namespace {

namespace asio = boost::asio;

TEST(PostBatch, without_a_batch_posts_each_handler_on_its_own) {
  asio::io_context io;
  std::vector<int> ran;
  PostBatch::post(io.get_executor(), [&] { ran.push_back(1); });
  PostBatch::post(io.get_executor(), [&] { ran.push_back(2); });
  EXPECT_EQ(io.poll(), 2u);  // two handlers
  EXPECT_EQ(ran, (std::vector<int>{1, 2}));
}

TEST(PostBatch, a_batch_posts_once_per_context_in_order_when_it_closes) {
  asio::io_context a;
  asio::io_context b;
  std::vector<std::string> ran;
  {
    PostBatch batch;
    PostBatch::post(a.get_executor(), [&] { ran.push_back("a1"); });
    PostBatch::post(b.get_executor(), [&] { ran.push_back("b1"); });
    PostBatch::post(a.get_executor(), [&] { ran.push_back("a2"); });
    PostBatch::post(a.get_executor(), [&] { ran.push_back("a3"); });
    EXPECT_EQ(a.poll(), 0u) << "nothing is posted while the batch is open";
    EXPECT_EQ(b.poll(), 0u);
  }
  a.restart();
  b.restart();
  EXPECT_EQ(a.poll(), 1u) << "one handler for a's three";
  EXPECT_EQ(ran, (std::vector<std::string>{"a1", "a2", "a3"}));
  EXPECT_EQ(b.poll(), 1u);
  EXPECT_EQ(ran, (std::vector<std::string>{"a1", "a2", "a3", "b1"}));
}

TEST(PostBatch, a_nested_batch_is_part_of_the_outer_one) {
  asio::io_context io;
  std::vector<int> ran;
  {
    PostBatch outer;
    PostBatch::post(io.get_executor(), [&] { ran.push_back(1); });
    {
      PostBatch inner;
      PostBatch::post(io.get_executor(), [&] { ran.push_back(2); });
    }
    EXPECT_EQ(io.poll(), 0u) << "the inner batch's close posts nothing";
    PostBatch::post(io.get_executor(), [&] { ran.push_back(3); });
  }
  io.restart();
  EXPECT_EQ(io.poll(), 1u);
  EXPECT_EQ(ran, (std::vector<int>{1, 2, 3}));
  // Closed: posts go out one by one again.
  PostBatch::post(io.get_executor(), [&] { ran.push_back(4); });
  io.restart();
  EXPECT_EQ(io.poll(), 1u);
  EXPECT_EQ(ran.back(), 4);
}

}  // namespace
}  // namespace parley::hub
