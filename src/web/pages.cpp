#include "web/pages.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/url/parse.hpp>

#include "auth/tokens.hpp"
#include "chat/validate.hpp"
#include "http/metrics.hpp"
#include "text/html_escape.hpp"
#include "transport/authenticate.hpp"
#include "transport/chat_service.hpp"
#include "transport/store_call.hpp"
#include "web/event_html.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace bh = boost::beast::http;
namespace rest = transport::rest;
using rest::Access;
using rest::Context;
using rest::Response;

namespace {

Response html(const rest::Request& req, std::string body, bh::status status = bh::status::ok) {
  Response res{status, req.version()};
  res.set(bh::field::content_type, "text/html; charset=utf-8");
  res.set(bh::field::cache_control, "no-store");
  // Pages carry no script yet; forbid all of it so an escaping slip cannot run code.
  res.set("Content-Security-Policy",
          "default-src 'self'; script-src 'none'; frame-ancestors 'none'");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response redirect(const rest::Request& req, std::string_view to) {
  Response res{bh::status::see_other, req.version()};
  res.set(bh::field::location, to);
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

std::string page(std::string_view title, std::string_view body) {
  std::string out =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>";
  text::append_escaped(out, title);
  out += " — parley</title></head><body>";
  out += body;
  out += "</body></html>";
  return out;
}

std::string login_form(const transport::Options& o, std::string_view error) {
  std::string body = "<main><h1>parley</h1>";
  if (!error.empty()) {
    body += "<p role=\"alert\">";
    text::append_escaped(body, error);
    body += "</p>";
  }
  if (o.guest_login) {
    body +=
        "<form method=\"post\" action=\"/login\"><label for=\"name\">Your name</label> "
        "<input id=\"name\" name=\"name\" required maxlength=\"48\" autocomplete=\"nickname\"> "
        "<button type=\"submit\">Join as guest</button></form>";
  } else {
    body += "<p>Sign in with the API (POST /api/login).</p>";
  }
  body += "</main>";
  return page("Sign in", body);
}

// application/x-www-form-urlencoded, one field.
std::string form_field(std::string_view body, std::string_view name) {
  std::string query = "?" + std::string(body);
  auto u = boost::urls::parse_origin_form("/" + query);
  if (!u) return {};
  auto params = u->params();
  auto it = params.find(name);
  return it == params.end() ? std::string() : std::string((*it).value);
}

}  // namespace

std::vector<rest::Route> page_routes(transport::ChatService& chat) {
  transport::Services& s = chat.services();
  std::vector<rest::Route> out;

  out.push_back(
      {bh::verb::get, "/health", Access::public_route, [](Context& c) -> asio::awaitable<Response> {
         Response res{bh::status::ok, c.req.version()};
         res.set(bh::field::content_type, "application/json");
         res.keep_alive(c.req.keep_alive());
         res.body() = R"({"status":"ok"})";
         res.prepare_payload();
         co_return res;
       }});

  out.push_back({bh::verb::get, "/metrics", Access::public_route,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   Response res{bh::status::ok, c.req.version()};
                   res.set(bh::field::content_type, http::Metrics::k_content_type);
                   res.keep_alive(c.req.keep_alive());
                   res.body() = s.metrics.render();
                   res.prepare_payload();
                   co_return res;
                 }});

  out.push_back({bh::verb::get, "/login", Access::public_route,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   co_return html(c.req, login_form(s.options, {}));
                 }});

  out.push_back({bh::verb::post, "/login", Access::public_route,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   // A login form posted from another site would sign the victim in as the
                   // attacker (login CSRF); browsers always send Origin on a form POST.
                   if (!transport::same_site_request(s, c.req)) {
                     co_return html(c.req, login_form(s.options, "Please sign in from this page."),
                                    bh::status::forbidden);
                   }
                   if (!s.options.guest_login) {
                     co_return html(c.req, login_form(s.options, "Guest login is disabled."),
                                    bh::status::forbidden);
                   }
                   std::string name = form_field(c.req.body(), "name");
                   if (auto ok = chat::check_display_name(name, s.options.limits); !ok) {
                     co_return html(c.req, login_form(s.options, ok.error().message),
                                    bh::status::unprocessable_entity);
                   }
                   auto user = co_await transport::create_guest(s, name);
                   if (!user)
                     co_return html(c.req, login_form(s.options, user.error().message),
                                    bh::status::conflict);
                   auto cookie = co_await transport::start_session(s, user->id);
                   if (!cookie)
                     co_return html(c.req, login_form(s.options, cookie.error().message));
                   auto res = redirect(c.req, "/");
                   res.set(bh::field::set_cookie, *cookie);
                   co_return res;
                 }});

  out.push_back({bh::verb::post, "/logout", Access::public_route,
                 [&s](Context& c) -> asio::awaitable<Response> {
                   std::string cookie = transport::cookie_value(c.req, transport::k_session_cookie);
                   if (!cookie.empty() && transport::same_site_request(s, c.req)) {
                     co_await transport::store_call<void>(
                         [&](auto cb) { s.store.delete_session(auth::sha256_hex(cookie), cb); });
                   }
                   auto res = redirect(c.req, "/login");
                   res.set(bh::field::set_cookie, transport::clear_session_cookie(s));
                   co_return res;
                 }});

  out.push_back({bh::verb::get, "/", Access::page, [&s](Context& c) -> asio::awaitable<Response> {
                   auto rooms = co_await transport::store_call<std::vector<chat::RoomSummary>>(
                       [&](auto cb) { s.store.list_rooms(c.who->user.id, cb); });
                   std::string body = "<main><h1>Hello, ";
                   text::append_escaped(body, c.who->user.name);
                   body += "</h1><h2>Rooms</h2><ul>";
                   if (rooms) {
                     for (const auto& r : *rooms) {
                       body += "<li>";
                       text::append_escaped(body, r.room.name);
                       if (r.unread > 0) body += " (" + std::to_string(r.unread) + " unread)";
                       body += "</li>";
                     }
                   }
                   body +=
                       "</ul><form method=\"post\" action=\"/logout\"><button>Sign "
                       "out</button></form></main>";
                   co_return html(c.req, page("Rooms", body));
                 }});

  // The room: its newest messages, then live over /rooms/{id}/events from the last
  // seq rendered, so nothing falls between the render and the stream.
  out.push_back({bh::verb::get, "/rooms/{id}", Access::page,
                 [&chat, &s](Context& c) -> asio::awaitable<Response> {
                   auto room = co_await chat.viewable_room(*c.who, c.params["id"]);
                   if (!room) {
                     co_return html(c.req, page("Not found", "<main><h1>No such room</h1></main>"),
                                    bh::status::not_found);
                   }
                   store::HistoryQuery q{room->id, std::nullopt, std::nullopt,
                                         s.options.limits.history_default};
                   auto history = co_await transport::store_call<store::HistoryPage>(
                       [&](auto cb) { s.store.history(q, cb); });
                   std::string body = "<main><h1>";
                   text::append_escaped(body, room->name);
                   body += "</h1><section id=\"messages\" aria-live=\"polite\"";
                   body += " data-last-seq=\"" + std::to_string(history ? history->last_seq : 0) +
                           "\">";
                   if (history) {
                     for (const auto& e : history->events) body += event_html(e);
                   }
                   body += "</section></main>";
                   co_return html(c.req, page(room->name, body));
                 }});

  return out;
}

}  // namespace parley::web
