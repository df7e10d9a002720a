#pragma once
// Resolving the caller of a request, in API.md's order: `Authorization: Bearer`,
// then `?token=`, then the `parley_session` cookie. A present but bad credential is
// an error (401) even if a later one would succeed: a client that sent a token
// meant that token.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "chat/error.hpp"
#include "service/context.hpp"
#include "service/identity.hpp"
#include "transport/rest/rest.hpp"

namespace parley::transport {

inline constexpr std::string_view k_session_cookie = "parley_session";

boost::asio::awaitable<chat::Result<Identity>> authenticate(Services& s, const rest::Request& req);

// Starts a browser session for the user: stores the hashed token and returns the
// Set-Cookie header value.
boost::asio::awaitable<chat::Result<std::string>> start_session(Services& s,
                                                                const chat::UserId& user);
// The Set-Cookie value that clears the session cookie.
std::string clear_session_cookie(const Services& s);
// The raw value of a cookie in the request, "" when absent.
std::string cookie_value(const rest::Request& req, std::string_view name);

// CSRF defence for cookie-authenticated state changes and upgrades: the Origin
// (or, when a browser omits it, the Referer) must be an allowed origin
// (auth::origin_allowed: BASE_URL's or an ALLOWED_ORIGINS entry).
bool same_site_request(const Services& s, const rest::Request& req);

}  // namespace parley::transport
