#include <gtest/gtest.h>

#include "transport/ws/handshake.hpp"

namespace parley::transport::ws {
namespace {

namespace bh = boost::beast::http;

rest::Request upgrade_request() {
  rest::Request req{bh::verb::get, "/api/ws", 11};
  req.set(bh::field::host, "localhost");
  req.set(bh::field::upgrade, "websocket");
  req.set(bh::field::connection, "keep-alive, Upgrade");
  req.set(bh::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(bh::field::sec_websocket_version, "13");
  return req;
}

TEST(WsHandshake, AcceptKeyOfRfc6455Example) {
  EXPECT_EQ(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WsHandshake, AnswersAGoodUpgradeWith101) {
  auto u = check_upgrade(upgrade_request());
  ASSERT_TRUE(u.accept_response);
  EXPECT_FALSE(u.refusal);
  EXPECT_TRUE(u.accept_response->starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  EXPECT_NE(u.accept_response->find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
            std::string::npos);
  EXPECT_TRUE(u.accept_response->ends_with("\r\n\r\n"));
}

TEST(WsHandshake, RefusesBadUpgrades) {
  auto expect_status = [](rest::Request req, unsigned status) {
    auto u = check_upgrade(req);
    ASSERT_FALSE(u.accept_response);
    ASSERT_TRUE(u.refusal);
    EXPECT_EQ(u.refusal->result_int(), status);
  };
  auto r = upgrade_request();
  r.erase(bh::field::upgrade);
  expect_status(r, 400);
  r = upgrade_request();
  r.set(bh::field::connection, "keep-alive");
  expect_status(r, 400);
  r = upgrade_request();
  r.set(bh::field::sec_websocket_key, "short");
  expect_status(r, 400);
  r = upgrade_request();
  r.method(bh::verb::post);
  expect_status(r, 400);
  r = upgrade_request();
  r.set(bh::field::sec_websocket_version, "8");
  auto u = check_upgrade(r);
  ASSERT_TRUE(u.refusal);
  EXPECT_EQ(u.refusal->result_int(), 426u);
  EXPECT_EQ((*u.refusal)[bh::field::sec_websocket_version], "13");
}

}  // namespace
}  // namespace parley::transport::ws
