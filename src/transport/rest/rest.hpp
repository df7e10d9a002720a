#pragma once
// The JSON API's handlers as a route list. The HTTP layer owns matching, limits and
// authentication; a handler receives the parsed request, the caller's identity
// (for routes that need one) and the path parameters, and returns the response.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/error.hpp"
#include "hub/shard.hpp"
#include "service/identity.hpp"
#include "transport/service.hpp"

namespace parley::transport {

namespace rest {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct Context {
  const Request& req;
  std::optional<Identity> who;                          // set on authenticated routes
  std::unordered_map<std::string, std::string> params;  // {name} segments of the pattern
  std::string query(std::string_view name) const;       // "" when absent
  bool has_query(std::string_view name) const;
};

using Handler = std::function<boost::asio::awaitable<Response>(Context&)>;
// A route whose handler takes the connection over for a long-lived stream (SSE):
// the HTTP layer has authenticated and counted it; the stream owns it from here.
using StreamStart = std::function<void(hub::Shard&, boost::beast::tcp_stream, Context&)>;

// public_route: anyone; user: 401 without credentials; page: 302 to /login without.
enum class Access { public_route, user, page };

struct Route {
  boost::beast::http::verb method;
  std::string pattern;  // "/api/rooms/{id}/messages/{seq}"
  Access access;
  Handler handler;
  StreamStart stream = {};  // set instead of `handler` for a stream route
};

std::vector<Route> routes(Services& services);

// Envelope responses (API.md Conventions).
Response ok(const Request& req, boost::json::value data,
            boost::beast::http::status status = boost::beast::http::status::ok);
Response error(const Request& req, const chat::Error& e);
Response error(const Request& req, chat::ErrorKind kind, std::string message);
// An error whose status has no domain kind (405, 431).
Response error(const Request& req, boost::beast::http::status status, std::string message);
Response no_content(const Request& req);

}  // namespace rest
}  // namespace parley::transport
