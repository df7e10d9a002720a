#pragma once
// Web origins (scheme, host, port: RFC 6454) for the CSRF defence and WebSocket
// upgrades: a state-changing request authenticated by the session cookie, or a
// cookie-authenticated upgrade, must come from a page of BASE_URL. The caller passes
// the Origin header, or the Referer header when a browser sent no Origin.
// Pure functions, any thread.
#include <string>
#include <string_view>
#include <vector>

namespace parley::auth {

// The origin of an absolute http(s) URL, serialised as "scheme://host[:port]": scheme
// and host in lower case, IPv4/IPv6 addresses in canonical form, the port left out
// when it is the scheme's default (80 for http, 443 for https). Path, query, fragment
// and user info are dropped. "" if `url` is not an absolute http or https URL with a
// host (this includes the "null" origin browsers send from sandboxed or file pages).
std::string origin_of(std::string_view url);

// The origin an Origin header names, serialised as origin_of() does; "" unless the
// value is exactly "scheme://host[:port]" (RFC 6454 7: an Origin carries no user
// info, path, query or fragment), so "http://host:8080/x" is no origin at all.
std::string origin_of_header(std::string_view value);

// True iff both are http(s) URLs of the same origin. An empty or unparsable value on
// either side is never the same origin, so a missing header fails closed.
bool same_origin(std::string_view origin_header, std::string_view base_url);

// Whether a page of `origin` (serialised: origin_of_header(), or origin_of() of a
// Referer) may act on the session cookie (API.md, Authentication): it must equal
// BASE_URL's origin or one entry of `allowed` (ALLOWED_ORIGINS, serialised) in
// scheme, host and port. Nothing else passes; in particular not the request's own
// Host header, which a DNS-rebinding page controls.
bool origin_allowed(std::string_view origin, std::string_view base_url,
                    const std::vector<std::string>& allowed);

}  // namespace parley::auth
