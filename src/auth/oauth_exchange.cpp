#include "auth/oauth_exchange.hpp"

namespace parley::auth {

namespace {

chat::Error at_step(std::string_view step, chat::Error e) {
  e.message = std::string(step) + ": " + e.message;
  return e;
}

}  // namespace

chat::Result<OAuthProfile> exchange_code(const OAuthProvider& provider, const OAuthCallback& cb,
                                         const HttpLimits& limits) {
  HttpRequest token_req;
  token_req.method = "POST";
  token_req.url = provider.endpoints.token_url;
  // GitHub answers form-encoded unless JSON is asked for; the others answer JSON anyway.
  token_req.headers = {"Accept: application/json",
                       "Content-Type: application/x-www-form-urlencoded"};
  token_req.body = token_request_body(provider, cb.code, cb.redirect_uri, cb.verifier);
  auto token_res = http_fetch(token_req, limits);
  if (!token_res) return at_step("token request", token_res.error());
  auto token = parse_token_response(token_res->body);
  if (!token) {
    auto e = token.error();
    // A refusal names the provider's error code; any other unreadable answer from
    // a failing endpoint (a proxy's HTML error page) is best described by its status.
    if (e.kind == chat::ErrorKind::invalid && token_res->status != 200) {
      e = {chat::ErrorKind::unavailable, "HTTP " + std::to_string(token_res->status)};
    }
    return at_step("token request", std::move(e));
  }

  HttpRequest user_req;
  user_req.url = provider.endpoints.userinfo_url;
  user_req.headers = {"Accept: application/json", "Authorization: Bearer " + *token};
  auto user_res = http_fetch(user_req, limits);
  if (!user_res) return at_step("user info request", user_res.error());
  if (user_res->status != 200) {
    return chat::Error{chat::ErrorKind::unavailable,
                       "user info request: HTTP " + std::to_string(user_res->status)};
  }
  auto profile = parse_profile(provider.name, user_res->body);
  if (!profile) return at_step("user info", profile.error());
  return profile;
}

}  // namespace parley::auth
