// GET /login and its forms: POST /login (guest), POST /login/password (sign in or
// create an account); POST /logout.
#include <boost/beast/http/field.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "auth/tokens.hpp"
#include "chat/validate.hpp"
#include "service/accounts.hpp"
#include "transport/authenticate.hpp"
#include "web/html.hpp"
#include "web/layout.hpp"
#include "web/sign_in.hpp"
#include "web/web.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace bh = boost::beast::http;
namespace rest = transport::rest;

namespace {

struct LoginForm {
  std::string error;
  std::string username;  // kept across a failed attempt
  std::string next;      // where to go after signing in
};

void append_next(std::string& out, std::string_view next) {
  if (next.empty() || next == "/") return;
  out += "<input type=\"hidden\" name=\"next\"";
  attr(out, "value", next);
  out += '>';
}

std::string login_page(const Web& web, const LoginForm& f) {
  const auto& o = web.s.options;
  std::string body = "<main class=\"login\"><h1 class=\"brand\">parley</h1>";
  if (!f.error.empty()) {
    body += "<p role=\"alert\" class=\"error\">";
    escaped(body, f.error);
    body += "</p>";
  }
  if (o.guest_login) {
    body +=
        "<section aria-labelledby=\"guest-heading\"><h2 id=\"guest-heading\">Join as a guest</h2>"
        "<form id=\"guest-form\" method=\"post\" action=\"/login\">"
        "<label for=\"guest-name\">Your name</label>"
        "<input id=\"guest-name\" name=\"name\" required maxlength=\"48\" "
        "autocomplete=\"nickname\">";
    append_next(body, f.next);
    body += "<button type=\"submit\" class=\"primary\">Join as guest</button></form></section>";
  }
  if (o.password_login) {
    body +=
        "<section aria-labelledby=\"account-heading\"><h2 id=\"account-heading\">Your account"
        "</h2><form id=\"login-form\" method=\"post\" action=\"/login/password\">"
        "<label for=\"login-username\">Username</label>"
        "<input id=\"login-username\" name=\"username\" required maxlength=\"32\" "
        "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\"";
    attr(body, "value", f.username);
    body +=
        "><label for=\"login-password\">Password</label>"
        "<input id=\"login-password\" name=\"password\" type=\"password\" required "
        "autocomplete=\"current-password\">";
    append_next(body, f.next);
    body +=
        "<div class=\"buttons\"><button type=\"submit\" name=\"action\" value=\"login\" "
        "class=\"primary\">Sign in</button><button type=\"submit\" name=\"action\" "
        "value=\"register\">Create account</button></div></form></section>";
  }
  if (!o.oauth.empty()) {
    // The provider's round trip keeps `next` in its flow cookie (oauth_routes.cpp).
    std::string next_query;
    if (!f.next.empty() && f.next != "/") {
      next_query = "?next=" + boost::urls::encode(f.next, boost::urls::unreserved_chars);
    }
    body += "<section class=\"oauth-list\" aria-label=\"Sign in with\">";
    for (const auto& p : o.oauth) {
      body += "<a class=\"oauth\"";
      attr(body, "data-provider", p.name);
      attr(body, "href", "/auth/" + p.name + next_query);
      body += ">Continue with ";
      escaped(body, p.label);
      body += "</a>";
    }
    body += "</section>";
  }
  if (!o.guest_login && !o.password_login && o.oauth.empty()) {
    body += "<p>No way to sign in is enabled on this server.</p>";
  }
  body += "</main>";
  return page(web, "Sign in", nullptr, body);
}

rest::Response login_error(const Web& web, const rest::Request& req, LoginForm f,
                           bh::status status) {
  return html_response(req, login_page(web, f), status);
}

}  // namespace

asio::awaitable<rest::Response> signed_in(const Web& web, const rest::Request& req,
                                          const chat::User& user, const std::string& next) {
  auto cookie = co_await transport::start_session(web.s, user.id);
  if (!cookie) {
    co_return login_error(web, req, {cookie.error().message, user.name, next},
                          bh::status::service_unavailable);
  }
  auto res = see_other(req, local_path(next));
  res.set(bh::field::set_cookie, *cookie);
  co_return res;
}

rest::Response login_error_page(const Web& web, const rest::Request& req, std::string error,
                                std::string next, bh::status status) {
  return login_error(web, req, LoginForm{std::move(error), {}, std::move(next)}, status);
}

void add_login_routes(std::vector<rest::Route>& out, const WebPtr& web) {
  out.push_back({bh::verb::get, "/login", rest::Access::public_route,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   LoginForm f;
                   f.next = local_path(c.query("next"));
                   co_return html_response(c.req, login_page(*web, f));
                 }});

  out.push_back({bh::verb::post, "/login", rest::Access::public_route,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   auto& s = web->s;
                   LoginForm f;
                   f.next = local_path(form_field(c.req.body(), "next"));
                   // A login form posted from another site would sign the victim in as the
                   // attacker (login CSRF); browsers always send Origin on a form POST.
                   if (!transport::same_site_request(s, c.req)) {
                     f.error = "Please sign in from this page.";
                     co_return login_error(*web, c.req, f, bh::status::forbidden);
                   }
                   if (!s.options.guest_login) {
                     f.error = "Guest login is disabled.";
                     co_return login_error(*web, c.req, f, bh::status::forbidden);
                   }
                   std::string name = form_field(c.req.body(), "name");
                   if (auto ok = chat::check_display_name(name, s.options.limits); !ok) {
                     f.error = ok.error().message;
                     co_return login_error(*web, c.req, f, bh::status::unprocessable_entity);
                   }
                   auto user = co_await s.sessions.create_guest(name);
                   if (!user) {
                     f.error = user.error().message;
                     co_return login_error(*web, c.req, f, bh::status::conflict);
                   }
                   co_return co_await signed_in(*web, c.req, *user, f.next);
                 }});

  out.push_back(
      {bh::verb::post, "/login/password", rest::Access::public_route,
       [web](rest::Context& c) -> asio::awaitable<rest::Response> {
         auto& s = web->s;
         LoginForm f;
         f.next = local_path(form_field(c.req.body(), "next"));
         f.username = form_field(c.req.body(), "username");
         if (!transport::same_site_request(s, c.req)) {
           f.error = "Please sign in from this page.";
           co_return login_error(*web, c.req, f, bh::status::forbidden);
         }
         const std::string password = form_field(c.req.body(), "password");
         const bool registering = form_field(c.req.body(), "action") == "register";
         if (registering) {
           auto user = co_await s.accounts.register_password(f.username, password);
           if (!user) {
             f.error = user.error().kind == chat::ErrorKind::conflict
                           ? "That username is taken. Sign in, or pick another name."
                           : user.error().message;
             co_return login_error(*web, c.req, f,
                                   static_cast<bh::status>(chat::status_of(user.error().kind)));
           }
           co_return co_await signed_in(*web, c.req, *user, f.next);
         }
         auto user = co_await s.accounts.check_password(f.username, password);
         if (!user) {
           f.error = user.error().kind == chat::ErrorKind::unauthorized
                         ? "Wrong username or password."
                         : user.error().message;
           co_return login_error(*web, c.req, f,
                                 static_cast<bh::status>(chat::status_of(user.error().kind)));
         }
         co_return co_await signed_in(*web, c.req, *user, f.next);
       }});

  out.push_back({bh::verb::post, "/logout", rest::Access::public_route,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   auto& s = web->s;
                   std::string cookie = transport::cookie_value(c.req, transport::k_session_cookie);
                   if (!cookie.empty() && transport::same_site_request(s, c.req)) {
                     co_await s.sessions.end(cookie);
                   }
                   auto res = see_other(c.req, "/login");
                   res.set(bh::field::set_cookie, transport::clear_session_cookie(s));
                   co_return res;
                 }});
}

}  // namespace parley::web
