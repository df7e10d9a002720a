#pragma once
// How every way of signing in ends, shared by the login page's forms
// (login_page.cpp) and the OAuth callback (oauth_routes.cpp), so a session starts
// the same way whichever door was used.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/status.hpp>
#include <string>

#include "chat/types.hpp"
#include "transport/rest/rest.hpp"
#include "web/web.hpp"

namespace parley::web {

// Starts a browser session for `user` (the parley_session cookie) and redirects
// (303) to `next` if it is a local path, else to "/". If the session cannot be
// stored, the login page with the error (503).
boost::asio::awaitable<transport::rest::Response> signed_in(const Web& web,
                                                            const transport::rest::Request& req,
                                                            const chat::User& user,
                                                            const std::string& next);

// The login page showing `error`, with `next` kept for the next attempt.
transport::rest::Response login_error_page(const Web& web, const transport::rest::Request& req,
                                           std::string error, std::string next,
                                           boost::beast::http::status status);

}  // namespace parley::web
