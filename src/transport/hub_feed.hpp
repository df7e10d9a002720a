#pragma once
// Where the bus meets this instance's connections: each value the bus delivers is
// encoded here once per wire format (encode.hpp) and handed to the hub, which posts
// the one encoded copy to every shard. Called on the bus's delivering thread (the
// publisher's, with the LocalBus); keeps no state of its own, so any thread will do.
#include "bus/bus.hpp"
#include "hub/hub.hpp"
#include "transport/encode.hpp"

namespace parley::transport {

class HubFeed final : public bus::Subscriber {
 public:
  // `render_html` makes the web page's fragment of an event (SSE-HTML).
  HubFeed(hub::Hub& hub, HtmlRenderer render_html)
      : hub_(hub), render_html_(std::move(render_html)) {}

  void on_event(chat::Event e) override;
  void on_notice(const bus::Notice& n) override;
  // `{type:"kicked", reason}` over WebSocket, `event: kicked` with `{reason}` over
  // SSE, on the user's channel, marked with the serial the kick applies before.
  void on_kick(const bus::Kick& k) override;

  const HtmlRenderer& render_html() const noexcept { return render_html_; }

 private:
  hub::Hub& hub_;
  HtmlRenderer render_html_;
};

}  // namespace parley::transport
