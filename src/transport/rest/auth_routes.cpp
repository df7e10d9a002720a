// POST /api/register, /api/login, /api/guest, /api/logout; GET /api/me.
#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>

#include "auth/jwt.hpp"
#include "auth/tokens.hpp"
#include "chat/validate.hpp"
#include "service/accounts.hpp"
#include "transport/authenticate.hpp"
#include "transport/json_input.hpp"
#include "transport/rest/routes_detail.hpp"
#include "transport/service.hpp"

namespace parley::transport::rest {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using chat::ErrorKind;

namespace {

// A signed-in reply: the JWT for API clients and the session cookie for browsers.
asio::awaitable<Response> signed_in(Services& s, const Request& req, const chat::User& user,
                                    http::status status = http::status::ok) {
  auto cookie = co_await start_session(s, user.id);
  if (!cookie) co_return error(req, cookie.error());
  auto res = ok(req,
                json::object{{"user_id", user.id},
                             {"username", user.name},
                             {"token", s.jwt.issue(user.id, user.name, now_ms() / 1000)}},
                status);
  res.set(http::field::set_cookie, *cookie);
  co_return res;
}

struct Credentials {
  std::string name;
  std::string password;
};

// The body of /api/register and /api/login, when password login is on.
chat::Result<Credentials> read_credentials(const Services& s, const Request& req) {
  if (!s.options.password_login)
    return chat::fail(ErrorKind::forbidden, "password login is disabled");
  auto in = JsonInput::parse(req.body(), {"username", "password"});
  if (!in) return in.error();
  auto name = in->string("username");
  if (!name) return name.error();
  auto password = in->string("password");
  if (!password) return password.error();
  return Credentials{std::move(*name), std::move(*password)};
}

}  // namespace

void add_auth_routes(std::vector<Route>& out, Services& s) {
  out.push_back({http::verb::post, "/api/register", Access::public_route,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   auto creds = read_credentials(s, c.req);
                   if (!creds) co_return error(c.req, creds.error());
                   auto user = co_await s.accounts.register_password(creds->name, creds->password);
                   if (!user) co_return error(c.req, user.error());
                   co_return ok(c.req, json::object{{"user_id", user->id}}, http::status::created);
                 }});

  out.push_back({http::verb::post, "/api/login", Access::public_route,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   auto creds = read_credentials(s, c.req);
                   if (!creds) co_return error(c.req, creds.error());
                   auto user = co_await s.accounts.check_password(creds->name, creds->password);
                   if (!user) co_return error(c.req, user.error());
                   co_return co_await signed_in(s, c.req, *user);
                 }});

  out.push_back({http::verb::post, "/api/guest", Access::public_route,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   if (!s.options.guest_login)
                     co_return error(c.req, ErrorKind::forbidden, "guest login is disabled");
                   auto in = JsonInput::parse(c.req.body(), {"name"});
                   if (!in) co_return error(c.req, in.error());
                   auto name = in->string("name");
                   if (!name) co_return error(c.req, name.error());
                   if (auto v = chat::check_display_name(*name, s.options.limits); !v) {
                     co_return error(c.req, v.error());
                   }
                   auto user = co_await s.sessions.create_guest(*name);
                   if (!user) co_return error(c.req, user.error());
                   co_return co_await signed_in(s, c.req, *user);
                 }});

  out.push_back({http::verb::post, "/api/logout", Access::public_route,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   std::string cookie = cookie_value(c.req, k_session_cookie);
                   if (!cookie.empty()) {
                     co_await s.sessions.end(cookie);
                   }
                   auto res = no_content(c.req);
                   res.set(http::field::set_cookie, clear_session_cookie(s));
                   co_return res;
                 }});

  out.push_back(
      {http::verb::get, "/api/me", Access::user, [&s](Context& c) -> asio::awaitable<Response> {
         auto user = co_await s.accounts.user(c.who->user.id);
         if (!user)
           co_return error(c.req, ErrorKind::unauthorized, "this account no longer exists");
         co_return ok(c.req, json::object{{"id", user->id},
                                          {"name", user->name},
                                          {"avatar_url", user->avatar_url},
                                          {"provider", user->provider}});
       }});
}

}  // namespace parley::transport::rest
