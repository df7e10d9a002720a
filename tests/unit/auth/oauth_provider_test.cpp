#include "auth/oauth_provider.hpp"

#include <gtest/gtest.h>

using namespace parley::auth;
using parley::chat::ErrorKind;

namespace {

OAuthProvider provider(std::string_view name) {
  auto p = known_provider(name);
  EXPECT_TRUE(p) << name;
  p->client_id = "client id/1";
  p->client_secret = "s3cr&t";
  return *p;
}

}  // namespace

TEST(OAuthProvider, knows_the_three_providers_and_their_endpoints) {
  EXPECT_EQ(provider("github").endpoints.token_url, "https://github.com/login/oauth/access_token");
  EXPECT_EQ(provider("github").endpoints.userinfo_url, "https://api.github.com/user");
  EXPECT_EQ(provider("google").scope, "openid profile email");
  EXPECT_EQ(provider("google").endpoints.userinfo_url,
            "https://openidconnect.googleapis.com/v1/userinfo");
  EXPECT_EQ(provider("discord").scope, "identify");
  EXPECT_EQ(provider("discord").endpoints.authorize_url, "https://discord.com/oauth2/authorize");
  EXPECT_FALSE(known_provider("gitlab"));
  EXPECT_FALSE(known_provider(""));
}

TEST(OAuthProvider, authorize_url_carries_the_flow_encoded) {
  const auto url = authorize_url(provider("google"), "http://localhost:8080/auth/google/callback",
                                 "st-ate_1", "chal");
  EXPECT_EQ(url,
            "https://accounts.google.com/o/oauth2/v2/auth?response_type=code"
            "&client_id=client%20id%2F1"
            "&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fauth%2Fgoogle%2Fcallback"
            "&scope=openid%20profile%20email&state=st-ate_1"
            "&code_challenge=chal&code_challenge_method=S256");
}

TEST(OAuthProvider, pkce_is_left_out_where_the_provider_has_none) {
  auto d = provider("discord");
  EXPECT_EQ(authorize_url(d, "http://h/cb", "s", "c").find("code_challenge"), std::string::npos);
  EXPECT_EQ(token_request_body(d, "code", "http://h/cb", "v").find("code_verifier"),
            std::string::npos);
}

TEST(OAuthProvider, authorize_url_appends_to_an_endpoint_with_a_query) {
  auto p = provider("github");
  p.endpoints.authorize_url = "http://127.0.0.1:9/authorize?tenant=x";
  EXPECT_TRUE(authorize_url(p, "r", "s", "c")
                  .starts_with("http://127.0.0.1:9/authorize?tenant=x&response_type=code&"));
}

TEST(OAuthProvider, token_request_body_is_form_encoded) {
  EXPECT_EQ(token_request_body(provider("github"), "c/d+e", "http://h/auth/github/callback", "ver"),
            "grant_type=authorization_code&code=c%2Fd%2Be"
            "&redirect_uri=http%3A%2F%2Fh%2Fauth%2Fgithub%2Fcallback"
            "&client_id=client%20id%2F1&client_secret=s3cr%26t&code_verifier=ver");
}

TEST(OAuthProvider, token_response_gives_the_token_or_the_providers_error) {
  auto ok = parse_token_response(R"({"access_token":"gho_abc","token_type":"bearer"})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, "gho_abc");

  // GitHub refuses a bad code with status 200 and an error field.
  auto refused = parse_token_response(
      R"({"error":"bad_verification_code","error_description":"The code passed is incorrect"})");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::bad_request);
  EXPECT_NE(refused.error().message.find("bad_verification_code"), std::string::npos);

  for (std::string bad :
       {"", "not json", "[]", R"({"token_type":"bearer"})", R"({"access_token":42})"}) {
    auto r = parse_token_response(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::invalid) << bad;
  }
}

TEST(OAuthProvider, github_profile) {
  auto p = parse_profile("github", R"({"login":"octocat","id":583231,"node_id":"MDQ6",
      "avatar_url":"https://avatars.githubusercontent.com/u/583231?v=4","name":"The Octocat",
      "email":null,"site_admin":false})");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->subject, "583231");
  EXPECT_EQ(p->login, "octocat");
  EXPECT_TRUE(p->login_unique);
  EXPECT_EQ(p->name, "The Octocat");
  EXPECT_EQ(p->email, "");
  EXPECT_EQ(p->avatar_url, "https://avatars.githubusercontent.com/u/583231?v=4");
}

TEST(OAuthProvider, google_openid_connect_profile) {
  auto p = parse_profile("google", R"({"sub":"110169484474386276334","name":"Ada Lovelace",
      "given_name":"Ada","picture":"https://lh3.googleusercontent.com/a/pic",
      "email":"ada@example.com","email_verified":true})");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->subject, "110169484474386276334");
  EXPECT_EQ(p->login, "");
  EXPECT_FALSE(p->login_unique);
  EXPECT_EQ(p->name, "Ada Lovelace");
  EXPECT_EQ(p->email, "ada@example.com");
  EXPECT_TRUE(p->email_verified);
  EXPECT_EQ(p->avatar_url, "https://lh3.googleusercontent.com/a/pic");
}

TEST(OAuthProvider, discord_profile_builds_the_avatar_url) {
  auto p = parse_profile("discord", R"({"id":"80351110224678912","username":"nelly",
      "global_name":"Nelly","discriminator":"0","avatar":"8342729096ea3675442027381ff50dfe",
      "verified":true,"email":"nelly@discord.com"})");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->subject, "80351110224678912");
  EXPECT_EQ(p->login, "nelly");
  EXPECT_TRUE(p->login_unique);
  EXPECT_EQ(p->name, "Nelly");
  EXPECT_TRUE(p->email_verified);
  EXPECT_EQ(p->avatar_url,
            "https://cdn.discordapp.com/avatars/80351110224678912/"
            "8342729096ea3675442027381ff50dfe.png");

  auto no_avatar = parse_profile("discord", R"({"id":"1","username":"x","avatar":null})");
  ASSERT_TRUE(no_avatar);
  EXPECT_EQ(no_avatar->avatar_url, "");
}

TEST(OAuthProvider, profile_without_an_id_or_not_json_is_invalid) {
  for (auto [name, body] :
       {std::pair{"github", R"({"login":"octocat"})"}, std::pair{"google", R"({"name":"Ada"})"},
        std::pair{"discord", R"({"username":"nelly","id":""})"}, std::pair{"github", "<html>"}}) {
    auto p = parse_profile(name, body);
    ASSERT_FALSE(p) << name << " " << body;
    EXPECT_EQ(p.error().kind, ErrorKind::invalid);
  }
}

TEST(OAuthProvider, only_https_avatars_are_kept) {
  auto p = parse_profile("github", R"j({"id":1,"avatar_url":"javascript:alert(1)"})j");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->avatar_url, "");
  p = parse_profile("google", R"({"sub":"1","picture":"http://example.com/a.png"})");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->avatar_url, "");
}

TEST(OAuthProvider, username_prefers_the_handle_then_email_then_name) {
  parley::chat::Limits limits;
  EXPECT_EQ(username_for({.subject = "1", .login = "octo-cat", .name = "Octo"}, limits, 27),
            "octo-cat");
  EXPECT_EQ(username_for({.subject = "1", .name = "Ada Lovelace", .email = "ada.l@example.com"},
                         limits, 27),
            "ada.l");
  EXPECT_EQ(username_for({.subject = "1", .name = "Ada  Lovelace!"}, limits, 27), "Ada-Lovelace");
  EXPECT_EQ(username_for({.subject = "1", .name = "李小龍"}, limits, 27), "user");
  EXPECT_EQ(username_for({.subject = "1", .login = "x"}, limits, 27), "user");  // too short
  EXPECT_EQ(username_for({.subject = "1", .login = std::string(40, 'a')}, limits, 27),
            std::string(27, 'a'));
}
