#include "web/html.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/url/parse.hpp>

#include "text/html_escape.hpp"

namespace parley::web {

namespace bh = boost::beast::http;
namespace rest = transport::rest;

rest::Response html_response(const rest::Request& req, std::string body, bh::status status) {
  rest::Response res{status, req.version()};
  res.set(bh::field::content_type, "text/html; charset=utf-8");
  res.set(bh::field::cache_control, "no-store");
  res.set("Content-Security-Policy", k_csp);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

rest::Response text_response(const rest::Request& req, bh::status status, std::string_view text) {
  rest::Response res{status, req.version()};
  res.set(bh::field::content_type, "text/plain; charset=utf-8");
  res.set(bh::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = std::string(text);
  res.prepare_payload();
  return res;
}

rest::Response see_other(const rest::Request& req, std::string_view to) {
  rest::Response res{bh::status::see_other, req.version()};
  res.set(bh::field::location, to);
  res.set(bh::field::cache_control, "no-store");
  // htmx follows a 303 inside its XHR; HX-Redirect makes it navigate instead.
  if (from_script(req)) res.set("HX-Redirect", to);
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

rest::Response no_content(const rest::Request& req) {
  rest::Response res{bh::status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

rest::Response error_text(const rest::Request& req, const chat::Error& e) {
  return text_response(req, static_cast<bh::status>(chat::status_of(e.kind)), e.message);
}

std::string form_field(std::string_view body, std::string_view name) {
  const std::string target = "/?" + std::string(body);  // the view below points into it
  auto u = boost::urls::parse_origin_form(target);
  if (!u) return {};
  auto params = u->params();
  auto it = params.find(name);
  return it == params.end() ? std::string() : std::string((*it).value);
}

bool from_script(const rest::Request& req) {
  return req.find("HX-Request") != req.end();
}

std::string local_path(std::string_view next) {
  if (next.size() < 1 || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\')))
    return "/";
  for (char ch : next) {
    if (static_cast<unsigned char>(ch) < 0x20) return "/";
  }
  return std::string(next);
}

void attr(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  text::append_escaped(out, value);
  out += '"';
}

void escaped(std::string& out, std::string_view value) {
  text::append_escaped(out, value);
}

}  // namespace parley::web
