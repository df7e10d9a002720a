#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include "transport/rest/rest.hpp"

namespace parley::transport::rest {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {
Response json_response(const Request& req, http::status status, const json::value& body) {
  Response res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = json::serialize(body);
  res.prepare_payload();
  return res;
}
}  // namespace

Response ok(const Request& req, json::value data, http::status status) {
  return json_response(req, status,
                       json::object{{"code", 0}, {"message", "ok"}, {"data", std::move(data)}});
}

Response error(const Request& req, const chat::Error& e) {
  int code = chat::status_of(e.kind);
  return json_response(req, static_cast<http::status>(code),
                       json::object{{"code", code}, {"message", e.message}, {"data", nullptr}});
}

Response error(const Request& req, chat::ErrorKind kind, std::string message) {
  return error(req, chat::Error{kind, std::move(message)});
}

Response error(const Request& req, http::status status, std::string message) {
  int code = static_cast<int>(status);
  return json_response(
      req, status,
      json::object{{"code", code}, {"message", std::move(message)}, {"data", nullptr}});
}

Response no_content(const Request& req) {
  Response res{http::status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  return res;
}

std::string Context::query(std::string_view name) const {
  auto target = req.target();
  auto u = boost::urls::parse_origin_form(target);
  if (!u) return {};
  auto params = u->params();
  auto it = params.find(name);
  if (it == params.end()) return {};
  return (*it).value;
}

bool Context::has_query(std::string_view name) const {
  auto u = boost::urls::parse_origin_form(req.target());
  return u && u->params().contains(name);
}

}  // namespace parley::transport::rest
