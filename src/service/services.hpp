#pragma once
// The application's use cases, as every transport and page calls them: one object
// per noun, wired once by app/ over a Context. Transports and pages reach the store
// and the bus only through these. Everything here outlives every session; each use
// case may be called from any shard thread.
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <string>

#include "service/accounts.hpp"
#include "service/context.hpp"
#include "service/direct.hpp"
#include "service/matching.hpp"
#include "service/messages.hpp"
#include "service/presence.hpp"
#include "service/room_log.hpp"
#include "service/rooms.hpp"
#include "service/sessions.hpp"

namespace parley::service {

class Services {
 public:
  explicit Services(Context& ctx)
      : ctx_(ctx),
        options(ctx.options),
        metrics(ctx.metrics),
        presence(ctx.presence),
        jwt(ctx.jwt),
        workers(ctx.workers),
        log_(ctx),
        matching(ctx, log_),
        rooms(ctx, log_, matching),
        messages(ctx, log_, rooms),
        direct(ctx, messages),
        accounts(ctx),
        sessions(ctx) {}
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  // Returns once every write queued to the store is committed (shutdown's drain:
  // every acknowledged write is durable before exit).
  void flush() { ctx_.store.flush(); }

 private:
  Context& ctx_;

 public:
  // Read by every session; app/ sets base_url once the port is known, before the
  // first connection.
  Options& options;
  metrics::Metrics& metrics;
  Presence& presence;
  auth::JwtSigner& jwt;
  boost::asio::thread_pool& workers;  // blocking work: password hashing, OAuth requests
  // How the web app shows an event (SSE-HTML), for the streams that replay the log;
  // set by app/ to web's renderer before the first connection. Injected, so this
  // layer knows no page.
  std::function<std::string(const chat::Event&)> render_html;

 private:
  RoomLog log_;  // before the use cases, which write through it

 public:
  Matching matching;
  Rooms rooms;
  Messages messages;
  Direct direct;
  Accounts accounts;
  Sessions sessions;
};

}  // namespace parley::service
