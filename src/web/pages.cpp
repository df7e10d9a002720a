#include "web/pages.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "metrics/metrics.hpp"
#include "transport/service.hpp"
#include "web/user_feed.hpp"
#include "web/web.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace bh = boost::beast::http;
namespace rest = transport::rest;

std::vector<rest::Route> page_routes(service::Services& services, const WebOptions& options) {
  auto web =
      std::make_shared<const Web>(Web{services, StaticFiles(static_dir(options.static_dir))});
  std::vector<rest::Route> out;

  // The page's own stream (user_feed.hpp); ?random=1: the /random page's, which holds
  // the user's place in the random-chat queue.
  out.push_back({bh::verb::get,
                 "/events",
                 rest::Access::page,
                 {},
                 [web](hub::Shard& shard, boost::beast::tcp_stream stream, rest::Context& c) {
                   start_user_feed_session(web->s, shard, std::move(stream), *c.who,
                                           c.query("random") == "1");
                 }});

  out.push_back({bh::verb::get, "/health", rest::Access::public_route,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   rest::Response res{bh::status::ok, c.req.version()};
                   res.set(bh::field::content_type, "application/json");
                   res.keep_alive(c.req.keep_alive());
                   // Which instance answered: behind a load balancer, that is the question.
                   res.body() = boost::json::serialize(boost::json::object{
                       {"status", "ok"}, {"instance_id", web->s.options.instance_id}});
                   res.prepare_payload();
                   co_return res;
                 }});

  out.push_back({bh::verb::get, "/metrics", rest::Access::public_route,
                 [web](rest::Context& c) -> asio::awaitable<rest::Response> {
                   rest::Response res{bh::status::ok, c.req.version()};
                   res.set(bh::field::content_type, metrics::Metrics::k_content_type);
                   res.keep_alive(c.req.keep_alive());
                   res.body() = web->s.metrics.render();
                   res.prepare_payload();
                   co_return res;
                 }});

  web->assets.add_routes(out, web);
  add_login_routes(out, web);
  add_room_routes(out, web);
  add_form_routes(out, web);
  add_invite_routes(out, web);
  add_random_routes(out, web);
  add_oauth_routes(out, web);
  return out;
}

}  // namespace parley::web
