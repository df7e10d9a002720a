#include "transport/authenticate.hpp"

#include <boost/beast/http/field.hpp>

#include "auth/jwt.hpp"
#include "auth/origin.hpp"

namespace parley::transport {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using chat::ErrorKind;

namespace {

std::int64_t now_s() {
  return now_ms() / 1000;
}

chat::Result<Identity> from_jwt(Services& s, std::string_view token) {
  auto claims = s.jwt.verify(token, now_s());
  if (!claims) return claims.error();
  return Identity{chat::UserRef{claims->sub, claims->name, {}}, false, claims->exp};
}

}  // namespace

std::string cookie_value(const rest::Request& req, std::string_view name) {
  for (auto it = req.find(http::field::cookie);
       it != req.end() && it->name() == http::field::cookie; ++it) {
    std::string_view all = it->value();
    while (!all.empty()) {
      auto semi = all.find(';');
      auto part = all.substr(0, semi);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      auto eq = part.find('=');
      if (eq != std::string_view::npos && part.substr(0, eq) == name) {
        return std::string(part.substr(eq + 1));
      }
      if (semi == std::string_view::npos) break;
      all.remove_prefix(semi + 1);
    }
  }
  return {};
}

asio::awaitable<chat::Result<Identity>> authenticate(Services& s, const rest::Request& req) {
  if (auto it = req.find(http::field::authorization); it != req.end()) {
    std::string_view v = it->value();
    constexpr std::string_view bearer = "Bearer ";
    if (v.size() <= bearer.size() || v.substr(0, bearer.size()) != bearer) {
      co_return chat::fail(ErrorKind::unauthorized, "Authorization must be 'Bearer <token>'");
    }
    co_return from_jwt(s, v.substr(bearer.size()));
  }
  rest::Context ctx{req, std::nullopt, {}};
  if (ctx.has_query("token")) co_return from_jwt(s, ctx.query("token"));

  std::string cookie = cookie_value(req, k_session_cookie);
  if (cookie.empty()) co_return chat::fail(ErrorKind::unauthorized, "authentication required");
  co_return co_await s.sessions.resolve(cookie);
}

asio::awaitable<chat::Result<std::string>> start_session(Services& s, const chat::UserId& user) {
  auto token = co_await s.sessions.start(user);
  if (!token) co_return token.error();
  std::string cookie =
      std::string(k_session_cookie) + "=" + *token +
      "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(s.options.session_ttl.count());
  if (s.options.secure_cookies) cookie += "; Secure";
  co_return cookie;
}

std::string clear_session_cookie(const Services& s) {
  std::string cookie =
      std::string(k_session_cookie) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
  if (s.options.secure_cookies) cookie += "; Secure";
  return cookie;
}

bool same_site_request(const Services& s, const rest::Request& req) {
  std::string origin;
  if (auto it = req.find(http::field::origin); it != req.end()) {
    origin = auth::origin_of_header(it->value());  // "null" and anything not an origin: ""
  } else if (auto ref = req.find(http::field::referer); ref != req.end()) {
    origin = auth::origin_of(ref->value());
  }
  return auth::origin_allowed(origin, s.options.base_url, s.options.allowed_origins);
}

}  // namespace parley::transport
