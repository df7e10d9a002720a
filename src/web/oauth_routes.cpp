// GET /auth/{provider} starts an OAuth sign-in (authorization code with `state` and
// PKCE); GET /auth/{provider}/callback finishes it: checks the state against the
// browser's flow cookie, trades the code for the user's profile on a worker
// thread, finds or creates the linked account and starts the session as the login
// page does. Every failure lands on the login page with a message; logs name the
// provider and the step, never a code, token or secret.
#include <spdlog/spdlog.h>

#include <boost/beast/http/field.hpp>

#include "auth/oauth_exchange.hpp"
#include "auth/oauth_flow.hpp"
#include "service/accounts.hpp"
#include "service/blocking.hpp"
#include "transport/authenticate.hpp"
#include "web/html.hpp"
#include "web/sign_in.hpp"
#include "web/web.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace bh = boost::beast::http;
namespace rest = transport::rest;

namespace {

constexpr std::string_view k_flow_cookie = "parley_oauth";
// Ten minutes: a consent screen takes seconds; a flow older than this was abandoned.
constexpr int k_flow_seconds = 600;

// Path=/auth/: only the two OAuth routes ever see it.
std::string flow_cookie(const service::Services& s, std::string_view value, int max_age) {
  std::string c = std::string(k_flow_cookie) + "=" + std::string(value) +
                  "; Path=/auth/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age);
  if (s.options.secure_cookies) c += "; Secure";
  return c;
}

// Read at request time: with PORT=0 the base URL is known only after listening.
std::string redirect_uri(const service::Services& s, const auth::OAuthProvider& p) {
  return s.options.base_url + "/auth/" + p.name + "/callback";
}

// A provider's error code, fit for a log line and a page: [A-Za-z0-9_.-], at most 64.
std::string short_code(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (ok) out += c;
    if (out.size() == 64) break;
  }
  return out.empty() ? "unknown" : out;
}

// The login page with `message`; the flow is over, so its cookie goes.
rest::Response failed(const Web& web, const rest::Request& req, std::string message,
                      std::string next, bh::status status) {
  auto res = login_error_page(web, req, std::move(message), std::move(next), status);
  res.set(bh::field::set_cookie, flow_cookie(web.s, "", 0));
  return res;
}

rest::Response not_available(const Web& web, const rest::Request& req) {
  return failed(web, req, "That way of signing in is not available on this server.", "/",
                bh::status::not_found);
}

}  // namespace

void add_oauth_routes(std::vector<rest::Route>& out, const WebPtr& web) {
  out.push_back({bh::verb::get, "/auth/{provider}", rest::Access::public_route,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   auto& s = web->s;
                   const auth::OAuthProvider* p =
                       service::oauth_provider(s.options, c.params["provider"]);
                   if (!p) co_return not_available(*web, c.req);
                   const auth::OAuthFlow flow =
                       auth::start_oauth_flow(p->name, local_path(c.query("next")));
                   const std::string url = auth::authorize_url(*p, redirect_uri(s, *p), flow.state,
                                                               auth::pkce_challenge(flow.verifier));
                   auto res = see_other(c.req, url);
                   res.set(bh::field::set_cookie,
                           flow_cookie(s, auth::encode_flow_cookie(flow), k_flow_seconds));
                   co_return res;
                 }});

  out.push_back(
      {bh::verb::get, "/auth/{provider}/callback", rest::Access::public_route,
       [web](rest::Context& c) -> asio::awaitable<rest::Response> {
         auto& s = web->s;
         const auth::OAuthProvider* p = service::oauth_provider(s.options, c.params["provider"]);
         if (!p) co_return not_available(*web, c.req);
         const auto flow = auth::decode_flow_cookie(transport::cookie_value(c.req, k_flow_cookie));
         const std::string next = flow ? flow->next : "/";

         // The provider sends the person back with `error` when they declined or
         // the request was refused; nothing was granted, so nothing to verify.
         if (c.has_query("error")) {
           const std::string code = short_code(c.query("error"));
           spdlog::info("{} sign-in: the provider answered {}", p->name, code);
           co_return failed(*web, c.req,
                            code == "access_denied"
                                ? "You did not allow signing in with " + p->label + "."
                                : p->label + " could not sign you in (" + code + ").",
                            next, bh::status::forbidden);
         }
         // The callback must finish a flow this browser started with this provider:
         // otherwise it may be someone else's code (login CSRF) or a stale tab.
         if (!flow || flow->provider != p->name || !auth::state_matches(*flow, c.query("state"))) {
           spdlog::info("{} sign-in: state missing or not this browser's", p->name);
           co_return failed(*web, c.req,
                            "This sign-in was not started here or has expired. Please try again.",
                            next, bh::status::bad_request);
         }
         const std::string code = c.query("code");
         if (code.empty()) {
           co_return failed(*web, c.req, p->label + " sent no authorization code.", next,
                            bh::status::bad_request);
         }

         // Two HTTPS round trips: on a worker, never on this shard's thread. The
         // closure owns copies, and is passed by name (see blocking.hpp).
         auto exchange = [provider = *p, callback = auth::OAuthCallback{code, redirect_uri(s, *p),
                                                                        flow->verifier}] {
           return auth::exchange_code(provider, callback);
         };
         // Not `const auto`: GCC 12 handed a const variable initialised by this
         // co_await a garbage value (seen under ASan as a huge allocation).
         auto profile = co_await service::blocking_call(s.workers, exchange);
         if (!profile) {
           spdlog::warn("{} sign-in failed: {}", p->name, profile.error().message);
           co_return failed(*web, c.req,
                            p->label + " did not confirm who you are. Please try again.", next,
                            bh::status::bad_gateway);
         }

         auto user = co_await s.accounts.sign_in_with_provider(p->name, *profile);
         if (!user) {
           if (user.error().kind != chat::ErrorKind::forbidden) {
             spdlog::warn("{} sign-in: no account: {}", p->name, user.error().message);
           }
           co_return failed(*web, c.req, "Cannot sign you in: " + user.error().message + ".", next,
                            static_cast<bh::status>(chat::status_of(user.error().kind)));
         }
         auto res = co_await signed_in(*web, c.req, *user, next);
         res.insert(bh::field::set_cookie, flow_cookie(s, "", 0));
         co_return res;
       }});
}

}  // namespace parley::web
