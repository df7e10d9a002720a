#include <spdlog/spdlog.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

#include "chat/validate.hpp"
#include "http/server_impl.hpp"
#include "http/wire.hpp"
#include "metrics/metrics.hpp"
#include "transport/authenticate.hpp"
#include "transport/sse/room_stream.hpp"
#include "transport/sse/user_stream.hpp"
#include "transport/ws/handshake.hpp"
#include "transport/ws/session.hpp"

namespace parley::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bh = beast::http;
namespace rest = transport::rest;
using chat::ErrorKind;

namespace {

bool changes_state(bh::verb v) {
  return v != bh::verb::get && v != bh::verb::head && v != bh::verb::options;
}

rest::Response redirect_to_login(const rest::Request& req) {
  rest::Response res{bh::status::found, req.version()};
  res.set(bh::field::location, "/login");
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

rest::Response plain_error(unsigned version, bh::status status, std::string_view message) {
  rest::Request req{bh::verb::get, "/", version};
  req.keep_alive(false);
  return rest::error(req, status, std::string(message));
}

// JSON routes take JSON only (API.md lists 415): a form post or text body is a
// client bug that silent parsing would hide.
bool wrong_content_type(const rest::Request& req) {
  if (req.body().empty() || !req.target().starts_with("/api/")) return false;
  auto it = req.find(bh::field::content_type);
  if (it == req.end()) return true;
  std::string_view ct = it->value();
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  return !beast::iequals(ct, "application/json");
}

// The resume point of an SSE request: Last-Event-ID (the browser's reconnect),
// else ?since=, else none (only new events).
std::optional<chat::Seq> resume_point(const rest::Context& ctx) {
  if (auto it = ctx.req.find("Last-Event-ID"); it != ctx.req.end()) {
    chat::Seq v = 0;
    auto s = it->value();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && v >= 0) return v;
  }
  if (ctx.has_query("since")) {
    chat::Seq v = 0;
    auto s = ctx.query("since");
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && v >= 0) return v;
  }
  return std::nullopt;
}

}  // namespace

asio::awaitable<void> serve_http(Server::Impl& server, hub::Shard& shard,
                                 beast::tcp_stream stream) {
  auto& services = server.services;
  beast::flat_buffer buffer;
  boost::system::error_code ec;

  while (!server.stopping) {
    RequestParser parser;
    parser.body_limit(server.options.max_body_bytes);
    parser.header_limit(static_cast<std::uint32_t>(server.options.max_header_bytes));
    stream.expires_after(server.options.idle_timeout);
    co_await read_request(stream, buffer, parser, ec);
    if (ec) {
      // Answer what a client can act on; a peer that left or idled out gets nothing.
      std::optional<rest::Response> reply;
      if (ec == bh::error::body_limit) {
        reply = plain_error(11, bh::status::payload_too_large, "request body too large");
      } else if (ec == bh::error::header_limit) {
        reply = plain_error(11, bh::status::request_header_fields_too_large,
                            "request headers too large");
      } else if (ec != bh::error::end_of_stream && ec != asio::error::eof &&
                 ec != beast::error::timeout && ec != asio::error::operation_aborted &&
                 ec != asio::error::connection_reset && ec != bh::error::partial_message) {
        reply = plain_error(11, bh::status::bad_request, "malformed HTTP request");
      }
      if (reply) co_await refuse(stream, *reply);
      break;
    }
    auto started = std::chrono::steady_clock::now();
    // Counted until the response is written or the connection becomes a stream.
    struct InFlight {
      std::atomic<std::int64_t>& n;
      explicit InFlight(std::atomic<std::int64_t>& count) : n(count) { ++n; }
      InFlight(const InFlight&) = delete;
      InFlight& operator=(const InFlight&) = delete;
      ~InFlight() { --n; }
    } in_flight{server.requests_in_flight};
    rest::Request req = parser.release();
    std::string path(req.target().substr(0, req.target().find('?')));
    auto match = server.router.match(req.method(), path);

    rest::Context ctx{req, std::nullopt, std::move(match.params)};
    std::optional<rest::Response> res;
    if (!match.target) {
      res = match.path_known
                ? rest::error(req, bh::status::method_not_allowed, "method not allowed")
                : rest::error(req, ErrorKind::not_found, "no such route");
    } else {
      const RouteTarget& target = *match.target;
      if (target.access != rest::Access::public_route) {
        auto who = co_await transport::authenticate(services, req);
        if (!who) {
          res = target.access == rest::Access::page ? redirect_to_login(req)
                                                    : rest::error(req, who.error());
        } else if (who->via_cookie &&
                   (changes_state(req.method()) || target.kind == RouteKind::websocket) &&
                   !transport::same_site_request(services, req)) {
          // CSRF: a cookie-authenticated change (or WebSocket) from another origin.
          res = rest::error(req, ErrorKind::forbidden, "cross-origin request refused");
        } else {
          ctx.who = std::move(*who);
        }
      }
      if (!res) {
        switch (target.kind) {
          case RouteKind::websocket: {
            auto upgrade = transport::ws::check_upgrade(req);
            if (upgrade.refusal) {
              res = std::move(*upgrade.refusal);
              break;
            }
            server.metrics.connection_upgraded(metrics::Transport::ws);
            std::string early = beast::buffers_to_string(buffer.data());
            stream.expires_never();
            transport::start_ws_session(server.services, shard, stream.release_socket(),
                                        std::move(*upgrade.accept_response), std::move(early),
                                        std::move(*ctx.who));
            co_return;
          }
          case RouteKind::sse_json:
          case RouteKind::sse_html: {
            auto room = co_await server.services.rooms.viewable(*ctx.who, ctx.params["id"]);
            if (!room) {
              res = rest::error(req, room.error());
              break;
            }
            auto after = resume_point(ctx).value_or(room->last_seq);
            server.metrics.connection_upgraded(metrics::Transport::sse);
            transport::start_sse_session(
                server.services, shard, std::move(stream), room->id, after,
                target.kind == RouteKind::sse_json ? hub::Format::sse_json : hub::Format::sse_html,
                std::move(*ctx.who));
            co_return;
          }
          case RouteKind::user_stream: {
            // Its resume point is a DM cursor (transport/dm_cursor.hpp), not a seq.
            std::string resume = ctx.query("since");
            if (auto it = req.find("Last-Event-ID"); it != req.end()) resume = it->value();
            server.metrics.connection_upgraded(metrics::Transport::sse);
            transport::start_user_stream(server.services, shard, std::move(stream),
                                         std::move(*ctx.who), resume);
            co_return;
          }
          case RouteKind::stream:
            server.metrics.connection_upgraded(metrics::Transport::sse);
            target.stream(shard, std::move(stream), ctx);
            co_return;
          case RouteKind::handler:
            if (wrong_content_type(req)) {
              res = rest::error(req, bh::status::unsupported_media_type,
                                "send the body as application/json");
              break;
            }
            try {
              res = co_await target.handler(ctx);
            } catch (const std::exception& e) {
              spdlog::error("{} {} failed: {}", std::string(req.method_string()), path, e.what());
              res = rest::error(req, ErrorKind::internal, "internal error");
            }
            break;
        }
      }
    }
    bool keep_alive = res->keep_alive() && !server.stopping;
    res->keep_alive(keep_alive);
    res->set(bh::field::server, "parley");
    co_await write_response(stream, *res, ec);
    server.metrics.request_finished(res->result_int(), std::chrono::steady_clock::now() - started);
    if (ec || !keep_alive) break;
  }
  // (A connection handed to a WebSocket or SSE session returned above.)
  server.metrics.connection_closed(metrics::Transport::http);
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.close();
}

}  // namespace parley::http
