#pragma once
// Small pieces every page handler uses: HTML responses with the pages' security
// headers, redirects, form fields, and attribute writing that always escapes.
#include <string>
#include <string_view>

#include "transport/rest/rest.hpp"

namespace parley::web {

// Strict CSP: scripts and styles only from /static (no inline code, no inline
// style attributes), images also as data: URLs (the badged favicon).
inline constexpr std::string_view k_csp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

transport::rest::Response html_response(
    const transport::rest::Request& req, std::string body,
    boost::beast::http::status status = boost::beast::http::status::ok);
// A short plain-text answer for the page's script (errors of form posts).
transport::rest::Response text_response(const transport::rest::Request& req,
                                        boost::beast::http::status status, std::string_view text);
transport::rest::Response see_other(const transport::rest::Request& req, std::string_view to);
transport::rest::Response no_content(const transport::rest::Request& req);
// The status a domain error maps to, with its message as text.
transport::rest::Response error_text(const transport::rest::Request& req, const chat::Error& e);

// One field of an application/x-www-form-urlencoded body ("" when absent).
std::string form_field(std::string_view body, std::string_view name);
// True when the request came from htmx (or the page's script), not a plain form post.
bool from_script(const transport::rest::Request& req);
// `next` for after sign-in: only a local path ("/..." but not "//..."), else "/".
std::string local_path(std::string_view next);

// ` name="value"` with value escaped.
void attr(std::string& out, std::string_view name, std::string_view value);
// Escaped text.
void escaped(std::string& out, std::string_view value);

}  // namespace parley::web
