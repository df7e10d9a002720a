#include "app/serve.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/thread_pool.hpp>

#include "auth/jwt.hpp"
#include "auth/oauth_provider.hpp"
#include "bus/local_bus.hpp"
#include "http/server.hpp"
#include "hub/hub.hpp"
#include "hub/post_batch.hpp"
#include "metrics/metrics.hpp"
#include "service/presence_announcer.hpp"
#include "store/store.hpp"
#include "transport/hub_feed.hpp"
#include "transport/service.hpp"
#include "web/event_html.hpp"
#include "web/pages.hpp"

namespace parley::app {

namespace {

// A configured provider: the built-in description, its credentials, and any
// endpoint the configuration overrides.
auth::OAuthProvider oauth_provider_of(std::string_view name, const OAuthClient& client) {
  auth::OAuthProvider p = *auth::known_provider(name);
  p.client_id = client.client_id;
  p.client_secret = client.client_secret;
  if (!client.authorize_url.empty()) p.endpoints.authorize_url = client.authorize_url;
  if (!client.token_url.empty()) p.endpoints.token_url = client.token_url;
  if (!client.userinfo_url.empty()) p.endpoints.userinfo_url = client.userinfo_url;
  return p;
}

}  // namespace

int serve(const Config& config) {
  for (const auto& w : config.warnings) spdlog::warn("{}", w);
  auto limits = limits_of(config);
  // A commit group's acks and publishes reach each shard as one post (post_batch.hpp).
  auto store = store::open_store(config.database_url, limits, [](const std::function<void()>& run) {
    hub::PostBatch batch;
    run();
  });
  hub::Hub hub(static_cast<std::size_t>(config.threads),
               std::chrono::milliseconds(config.flush_window_ms));
  auth::JwtSigner jwt(config.jwt_secret, config.jwt_expiration_seconds);
  metrics::Metrics metrics;
  service::SendRate send_rate(config.send_rate_per_sec, config.send_burst);
  // Password hashing costs ~64 MiB and tens of ms each; two workers bound both.
  // OAuth's provider requests also wait here (each bounded by its timeout).
  boost::asio::thread_pool workers(2);
  service::Presence presence;
  // One instance: what the services publish reaches this instance's shards, encoded
  // once per wire format on the publishing thread (transport/hub_feed.hpp).
  bus::LocalBus bus;
  transport::HubFeed feed(hub, web::event_html);
  bus.subscribe(feed);
  service::PresenceAnnouncer announcer(*store, bus, presence);

  service::Options options;
  options.limits = limits;
  options.base_url = config.base_url;
  options.allowed_origins = config.allowed_origins;
  options.guest_login = config.guest_login;
  options.password_login = config.enable_password_login;
  options.open_registration = config.open_registration;
  options.allow_list = config.allow_list;
  for (const auto& [name, client] :
       {std::pair{"github", &config.github}, std::pair{"google", &config.google},
        std::pair{"discord", &config.discord}}) {
    if (client->enabled()) options.oauth.push_back(oauth_provider_of(name, *client));
  }
  options.max_queue_bytes = config.max_queue_bytes;
  options.sse_ping = std::chrono::seconds(config.sse_ping_seconds);
  options.ws_ping = std::chrono::seconds(config.ws_ping_seconds);
  options.ws_idle_timeout = std::chrono::seconds(config.ws_pong_timeout_seconds);
  options.instance_id = config.instance_id;
  options.secure_cookies = config.secure_cookies();
  options.single_session = config.single_session;

  service::Context context{*store, bus, jwt, metrics, send_rate, workers, presence, options};
  service::Services services(context);
  services.render_html = web::event_html;
  presence.on_change([&announcer, &presence, &services](const std::string& user_id) {
    announcer.announce(user_id);
    if (!presence.online(user_id)) services.matching.connections_gone(user_id);
  });

  http::ServerOptions server_options;
  server_options.host = config.host;
  server_options.port = config.port;
  server_options.max_body_bytes = config.max_body_bytes;
  server_options.max_header_bytes = config.max_header_bytes;
  server_options.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  server_options.max_connections = static_cast<std::int64_t>(config.max_allowed_conns);
  server_options.shutdown_grace = std::chrono::seconds(config.shutdown_grace_seconds);

  http::Server server(server_options, services, hub,
                      web::page_routes(services, web::WebOptions{config.static_dir}));
  auto port = server.listen();
  if (config.base_url_defaulted) {
    // With PORT=0 the real port is known only now; the Origin checks need it.
    const std::string suffix = ":" + std::to_string(port);
    services.options.base_url = "http://localhost" + suffix;
    // No BASE_URL set: a page of this server reached by a loopback address is this
    // server's too. No other site can serve a page from those origins, so unlike the
    // request's Host header (a DNS-rebinding page chooses it) they admit no one else.
    for (const char* loopback : {"http://127.0.0.1", "http://[::1]"}) {
      services.options.allowed_origins.push_back(loopback + suffix);
    }
  }
  std::string shown_host = config.host == "0.0.0.0" ? "127.0.0.1" : config.host;
  spdlog::info("parley {} (instance {}) listening on http://{}:{} ({} threads, {}); open {}",
               PARLEY_VERSION, config.instance_id, shown_host, port, config.threads,
               config.database_url, services.options.base_url);
  server.run();
  // The shard threads have stopped, so nothing new reaches the workers or the store;
  // finish what is queued there (its callbacks post to the stopped shards, harmlessly),
  // then destroy the sessions the shards still hold while presence and metrics,
  // which sessions touch as they go, still exist.
  workers.join();
  store->flush();
  // Closing sessions below changes presence; nobody is left to tell, and store reads
  // still in flight must not publish into a hub that is going away.
  announcer.stop();
  hub.close();
  spdlog::info("parley stopped");
  return 0;
}

}  // namespace parley::app
