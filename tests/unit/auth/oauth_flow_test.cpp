#include "auth/oauth_flow.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace parley::auth;

TEST(OAuthFlow, pkce_challenge_matches_rfc7636_appendix_b) {
  EXPECT_EQ(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(OAuthFlow, new_flows_have_fresh_state_and_a_valid_verifier) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto f = start_oauth_flow("github", "/rooms/x");
    EXPECT_EQ(f.provider, "github");
    EXPECT_EQ(f.next, "/rooms/x");
    EXPECT_GE(f.state.size(), 43u);  // 256 bits
    // RFC 7636 4.1: 43..128 characters of [A-Za-z0-9-._~].
    EXPECT_GE(f.verifier.size(), 43u);
    EXPECT_LE(f.verifier.size(), 128u);
    EXPECT_EQ(f.verifier.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"),
              std::string::npos);
    EXPECT_NE(f.state, f.verifier);
    seen.insert(f.state);
    seen.insert(f.verifier);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(OAuthFlow, cookie_round_trips_any_next_path) {
  for (std::string next : {"/", "/rooms/abc?x=1&y=2", "/dm/u.v_w-1#frag", "/a b;c=d,e"}) {
    const auto f = start_oauth_flow("discord", next);
    const std::string value = encode_flow_cookie(f);
    // Cookie-safe: no separators or spaces a Cookie header would split on.
    EXPECT_EQ(value.find_first_of(" ;,\"\\="), std::string::npos) << value;
    const auto back = decode_flow_cookie(value);
    ASSERT_TRUE(back) << value;
    EXPECT_EQ(back->provider, "discord");
    EXPECT_EQ(back->state, f.state);
    EXPECT_EQ(back->verifier, f.verifier);
    EXPECT_EQ(back->next, next);
  }
}

TEST(OAuthFlow, malformed_cookies_are_refused) {
  const std::string good = encode_flow_cookie(start_oauth_flow("google", "/"));
  ASSERT_TRUE(decode_flow_cookie(good));
  for (std::string bad :
       {std::string(), std::string("v1"), std::string("v2") + good.substr(2), good + ".extra",
        good.substr(0, good.rfind('.')), std::string("v1..s.v.Lw"),
        std::string("v1.github.s!.v.Lw"), std::string("v1.github.s.v.***")}) {
    EXPECT_FALSE(decode_flow_cookie(bad)) << bad;
  }
}

TEST(OAuthFlow, state_must_match_exactly) {
  const auto f = start_oauth_flow("github", "/");
  EXPECT_TRUE(state_matches(f, f.state));
  EXPECT_FALSE(state_matches(f, ""));
  EXPECT_FALSE(state_matches(f, f.state + "x"));
  EXPECT_FALSE(state_matches(f, f.state.substr(1)));
  std::string flipped = f.state;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(state_matches(f, flipped));
  OAuthFlow empty;
  EXPECT_FALSE(state_matches(empty, ""));  // a flow without state never matches
}
