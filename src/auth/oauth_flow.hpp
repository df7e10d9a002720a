#pragma once
// One browser's OAuth sign-in in flight: the random `state` and PKCE verifier made
// when it starts, and where to go afterwards, carried between GET /auth/{provider}
// and its callback in a short-lived cookie. Pure functions, any thread.
//
// Why a cookie and not a server-side table: the flow must come back to the browser
// that started it (the cookie is that binding: HttpOnly, SameSite=Lax so the
// provider's top-level redirect carries it), and nothing has to be swept when a
// flow is abandoned. The cookie holds no secret of the server: the verifier only
// proves, to the provider, that the code's redeemer is the one who asked for it.
#include <optional>
#include <string>
#include <string_view>

namespace parley::auth {

struct OAuthFlow {
  std::string provider;  // "github": the callback must be the same provider's
  std::string state;     // 256 random bits, base64url
  std::string verifier;  // PKCE code_verifier: 43 characters of base64url (RFC 7636 4.1)
  std::string next;      // local path to land on after signing in
};

// A new flow with fresh state and verifier.
OAuthFlow start_oauth_flow(std::string provider, std::string next);

// PKCE S256: base64url(SHA-256(verifier)), no padding (RFC 7636 4.2).
std::string pkce_challenge(std::string_view verifier);

// The cookie value that carries a flow, and back. decode returns nullopt for
// anything that encode did not make (wrong version, field count or alphabet).
std::string encode_flow_cookie(const OAuthFlow& flow);
std::optional<OAuthFlow> decode_flow_cookie(std::string_view value);

// True when the callback's `state` is the flow's. Compared in constant time, so the
// comparison's duration tells an attacker nothing about the expected value.
bool state_matches(const OAuthFlow& flow, std::string_view state);

}  // namespace parley::auth
