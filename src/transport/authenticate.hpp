#pragma once
// Resolving the caller of a request, in API.md's order: `Authorization: Bearer`,
// then `?token=`, then the `parley_session` cookie. A present but bad credential is
// an error (401) even if a later one would succeed: a client that sent a token
// meant that token.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "chat/error.hpp"
#include "transport/identity.hpp"
#include "transport/rest/rest.hpp"
#include "transport/services.hpp"

namespace parley::transport {

inline constexpr std::string_view k_session_cookie = "parley_session";

boost::asio::awaitable<chat::Result<Identity>> authenticate(Services& s, const rest::Request& req);

// Starts a browser session for the user: stores the hashed token and returns the
// Set-Cookie header value.
boost::asio::awaitable<chat::Result<std::string>> start_session(Services& s,
                                                                const chat::UserId& user);
// Creates a guest account named `name`, or `name-xxxx` when the name is taken:
// a guest has no password to prove a name with, so a clash is not an error.
boost::asio::awaitable<chat::Result<chat::User>> create_guest(Services& s, const std::string& name);
// The Set-Cookie value that clears the session cookie.
std::string clear_session_cookie(const Services& s);
// The raw value of a cookie in the request, "" when absent.
std::string cookie_value(const rest::Request& req, std::string_view name);

// CSRF defence for cookie-authenticated state changes: the Origin (or, when a
// browser omits it, the Referer) must be BASE_URL's origin or the request's own
// Host. A cross-site page can set neither.
bool same_site_request(const Services& s, const rest::Request& req);

}  // namespace parley::transport
