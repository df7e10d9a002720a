#include "auth/origin.hpp"

#include <gtest/gtest.h>

namespace parley::auth {
namespace {

TEST(Origin, origin_of_normalises) {
  EXPECT_EQ(origin_of("https://chat.example.com"), "https://chat.example.com");
  EXPECT_EQ(origin_of("HTTPS://Chat.Example.COM:443/rooms/x?y=1#z"), "https://chat.example.com");
  EXPECT_EQ(origin_of("http://localhost:80"), "http://localhost");
  EXPECT_EQ(origin_of("http://localhost:8080/"), "http://localhost:8080");
  EXPECT_EQ(origin_of("http://localhost:"), "http://localhost");
  EXPECT_EQ(origin_of("http://localhost:0080"), "http://localhost");
  EXPECT_EQ(origin_of("https://example.com:80"), "https://example.com:80");
  EXPECT_EQ(origin_of("http://user:pw@example.com/"), "http://example.com");
  EXPECT_EQ(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(origin_of("http://[::1]:8080"), "http://[::1]:8080");
  EXPECT_EQ(origin_of("http://[0:0::1]"), "http://[::1]");
}

TEST(Origin, origin_of_rejects_what_is_not_an_http_origin) {
  EXPECT_EQ(origin_of(""), "");
  EXPECT_EQ(origin_of("null"), "");
  EXPECT_EQ(origin_of("example.com"), "");
  EXPECT_EQ(origin_of("//example.com"), "");
  EXPECT_EQ(origin_of("ftp://example.com"), "");
  EXPECT_EQ(origin_of("file:///etc/passwd"), "");
  EXPECT_EQ(origin_of("javascript:alert(1)"), "");
  EXPECT_EQ(origin_of("http://"), "");
  EXPECT_EQ(origin_of("http:example.com"), "");
  EXPECT_EQ(origin_of("http://example.com:99999"), "");
  EXPECT_EQ(origin_of("http://example.com:0"), "");
  EXPECT_EQ(origin_of("http://exa mple.com"), "");
  EXPECT_EQ(origin_of(" http://example.com"), "");
  EXPECT_EQ(origin_of("http://ex%61mple.com"), "");
}

TEST(Origin, same_origin_matches_default_ports_case_and_ignores_path) {
  const std::string_view base = "https://chat.example.com";
  EXPECT_TRUE(same_origin("https://chat.example.com", base));
  EXPECT_TRUE(same_origin("https://chat.example.com:443", base));
  EXPECT_TRUE(same_origin("https://CHAT.example.com", base));
  EXPECT_TRUE(same_origin("https://chat.example.com/rooms/abc?x=1", base));  // a Referer
  EXPECT_TRUE(same_origin("https://chat.example.com", "https://chat.example.com:443/parley/"));
  EXPECT_TRUE(same_origin("http://localhost:8080", "http://LOCALHOST:8080/"));
  EXPECT_TRUE(same_origin("http://example.com", "http://example.com:80"));
}

TEST(Origin, same_origin_rejects_other_scheme_host_or_port) {
  const std::string_view base = "https://chat.example.com";
  EXPECT_FALSE(same_origin("http://chat.example.com", base));
  EXPECT_FALSE(same_origin("https://chat.example.com:8443", base));
  EXPECT_FALSE(same_origin("https://evil.example.com", base));
  EXPECT_FALSE(same_origin("https://chat.example.com.evil.com", base));
  EXPECT_FALSE(same_origin("https://evilchat.example.com", base));
  EXPECT_FALSE(same_origin("http://localhost:8080", "http://localhost:8081"));
  EXPECT_FALSE(same_origin("wss://chat.example.com", base));
}

TEST(Origin, same_origin_fails_closed_on_empty_or_garbage) {
  EXPECT_FALSE(same_origin("", "https://chat.example.com"));
  EXPECT_FALSE(same_origin("null", "https://chat.example.com"));
  EXPECT_FALSE(same_origin("garbage", "https://chat.example.com"));
  EXPECT_FALSE(same_origin("https://chat.example.com", ""));
  EXPECT_FALSE(same_origin("", ""));
  EXPECT_FALSE(same_origin("garbage", "garbage"));
}

TEST(Origin, origin_of_header_takes_only_a_bare_origin) {
  EXPECT_EQ(origin_of_header("http://localhost:8080"), "http://localhost:8080");
  EXPECT_EQ(origin_of_header("HTTPS://Chat.Example.com:443"), "https://chat.example.com");
  EXPECT_EQ(origin_of_header("http://[::1]:8080"), "http://[::1]:8080");
  // What a browser never sends as an Origin, which a lax parser would reduce to one.
  EXPECT_EQ(origin_of_header("http://localhost:8080/"), "");
  EXPECT_EQ(origin_of_header("http://localhost:8080/x"), "");
  EXPECT_EQ(origin_of_header("http://localhost:8080?x"), "");
  EXPECT_EQ(origin_of_header("http://localhost:8080#x"), "");
  EXPECT_EQ(origin_of_header("http://user@localhost:8080"), "");
  EXPECT_EQ(origin_of_header("http://localhost:8080x"), "");
  EXPECT_EQ(origin_of_header("http://localhost:8080.evil.example"), "");
  EXPECT_EQ(origin_of_header("null"), "");
  EXPECT_EQ(origin_of_header(""), "");
}

TEST(Origin, origin_allowed_compares_scheme_host_and_port_exactly) {
  const std::string base = "http://localhost:8080";
  const std::vector<std::string> none;
  EXPECT_TRUE(origin_allowed("http://localhost:8080", base, none));
  EXPECT_FALSE(origin_allowed("http://localhost:8081", base, none));
  EXPECT_FALSE(origin_allowed("https://localhost:8080", base, none));
  EXPECT_FALSE(origin_allowed("http://127.0.0.1:8080", base, none));
  EXPECT_FALSE(origin_allowed(origin_of_header("http://localhost:8080.evil.example"), base, none));
  EXPECT_FALSE(origin_allowed(origin_of_header("http://localhost:8080x"), base, none));
  EXPECT_FALSE(origin_allowed(origin_of_header("http://localhost:8080/x"), base, none));
  EXPECT_FALSE(origin_allowed("", base, none));
  EXPECT_FALSE(origin_allowed("", "", none));
  const std::vector<std::string> allowed = {"https://app.example.com", "http://127.0.0.1:8080"};
  EXPECT_TRUE(origin_allowed("https://app.example.com", base, allowed));
  EXPECT_TRUE(origin_allowed("http://127.0.0.1:8080", base, allowed));
  EXPECT_TRUE(origin_allowed("http://localhost:8080", base, allowed));
  EXPECT_FALSE(origin_allowed("https://app.example.com:8443", base, allowed));
  EXPECT_FALSE(origin_allowed("https://evil.app.example.com", base, allowed));
}

}  // namespace
}  // namespace parley::auth
