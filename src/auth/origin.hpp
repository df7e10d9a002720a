#pragma once
// Web origins (scheme, host, port: RFC 6454) for the CSRF defence and WebSocket
// upgrades: a state-changing request authenticated by the session cookie, or a
// cookie-authenticated upgrade, must come from a page of BASE_URL. The caller passes
// the Origin header, or the Referer header when a browser sent no Origin.
// Pure functions, any thread.
#include <string>
#include <string_view>

namespace parley::auth {

// The origin of an absolute http(s) URL, serialised as "scheme://host[:port]": scheme
// and host in lower case, IPv4/IPv6 addresses in canonical form, the port left out
// when it is the scheme's default (80 for http, 443 for https). Path, query, fragment
// and user info are dropped. "" if `url` is not an absolute http or https URL with a
// host (this includes the "null" origin browsers send from sandboxed or file pages).
std::string origin_of(std::string_view url);

// True iff both are http(s) URLs of the same origin. An empty or unparsable value on
// either side is never the same origin, so a missing header fails closed.
bool same_origin(std::string_view origin_header, std::string_view base_url);

}  // namespace parley::auth
