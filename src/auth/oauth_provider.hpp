#pragma once
// The OAuth providers parley signs people in with (GitHub, Google, Discord): where
// their endpoints are, what each asks for, and how to read their answers. Pure
// functions over strings, no I/O, any thread; oauth_exchange.hpp does the fetching.
#include <optional>
#include <string>
#include <string_view>

#include "chat/error.hpp"
#include "chat/limits.hpp"

namespace parley::auth {

struct OAuthEndpoints {
  std::string authorize_url;  // where the browser is sent to consent
  std::string token_url;      // code -> access token (server to server)
  std::string userinfo_url;   // access token -> the user's profile
};

struct OAuthProvider {
  std::string name;           // "github", "google", "discord": the path segment and users.provider
  std::string label;          // "GitHub", shown to people
  std::string scope;          // space-separated, as the provider wants it
  bool pkce = false;          // sends an S256 code_challenge and the verifier
  OAuthEndpoints endpoints;   // the provider's own, unless overridden
  std::string client_id;      // <PROVIDER>_CLIENT_ID
  std::string client_secret;  // <PROVIDER>_CLIENT_SECRET
};

// The built-in description of `name` with the provider's real endpoints, or nullopt
// for a name parley does not know.
std::optional<OAuthProvider> known_provider(std::string_view name);
// The provider's real endpoints (the defaults of the *_OAUTH_*_URL settings).
std::optional<OAuthEndpoints> default_endpoints(std::string_view name);

// The URL that starts the authorization-code flow in the browser.
std::string authorize_url(const OAuthProvider& p, std::string_view redirect_uri,
                          std::string_view state, std::string_view code_challenge);

// The application/x-www-form-urlencoded body of the token request. The verifier is
// sent only when the provider uses PKCE.
std::string token_request_body(const OAuthProvider& p, std::string_view code,
                               std::string_view redirect_uri, std::string_view code_verifier);

// The access token of a token endpoint's JSON answer. An answer with an `error`
// field (GitHub says so with status 200) is bad_request, its message naming the
// provider's error code; one without a token, or not JSON, is invalid. Messages
// never hold a secret.
chat::Result<std::string> parse_token_response(std::string_view body);

// Who signed in, in the provider's terms.
struct OAuthProfile {
  std::string subject;  // the provider's stable id (GitHub and Discord id, OIDC sub)
  std::string login;    // the provider's handle (GitHub login, Discord username), may be ""
  // True when `login` is unique at the provider and so names one person (GitHub,
  // Discord); OpenID Connect's preferred_username promises no such thing.
  bool login_unique = false;
  std::string name;   // a display name, may be ""
  std::string email;  // may be ""
  bool email_verified = false;
  std::string avatar_url;  // https URL or ""
};

// Reads the user-info JSON of provider `name`: GitHub's /user ({id: number, login,
// name, avatar_url}), OpenID Connect userinfo ({sub, name, preferred_username,
// picture, email, email_verified}), Discord's /users/@me ({id: string, username,
// global_name, avatar: hash}). invalid when the stable id is missing.
chat::Result<OAuthProfile> parse_profile(std::string_view name, std::string_view body);

// A parley login name for a new account made from the profile: the provider's
// handle, else the e-mail's local part, else the display name, reduced to
// [A-Za-z0-9_.-] and cut to `max_chars` (at least limits.min_username; "user" when
// nothing is left). The caller makes it unique.
std::string username_for(const OAuthProfile& profile, const chat::Limits& limits,
                         std::size_t max_chars);

}  // namespace parley::auth
