#pragma once
// The server-to-server half of an OAuth sign-in: trades the callback's code for an
// access token at the provider's token endpoint, then fetches who it belongs to.
// Blocking (two HTTP requests): run it on a worker thread, never a shard.
#include <string>

#include "auth/http_client.hpp"
#include "auth/oauth_provider.hpp"
#include "chat/error.hpp"

namespace parley::auth {

struct OAuthCallback {
  std::string code;          // from the callback's query
  std::string redirect_uri;  // the one sent to the authorize endpoint, sent again
  std::string verifier;      // the flow's PKCE verifier
};

// The profile of the user who consented. Errors (kind unavailable: no usable
// answer; bad_request: the provider refused the code; invalid: an answer parley
// cannot read) carry a message fit for a log line: it names the step and the
// provider's error code or HTTP status, never the code, token or secret.
chat::Result<OAuthProfile> exchange_code(const OAuthProvider& provider, const OAuthCallback& cb,
                                         const HttpLimits& limits = {});

}  // namespace parley::auth
