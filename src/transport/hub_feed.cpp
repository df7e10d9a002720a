#include "transport/hub_feed.hpp"

#include <boost/json/serialize.hpp>

#include "bus/channels.hpp"
#include "service/sessions.hpp"

namespace parley::transport {

namespace json = boost::json;

void HubFeed::on_event(chat::Event e) {
  hub_.publish(encode_event(std::move(e), render_html_));
}

void HubFeed::on_notice(const bus::Notice& n) {
  hub_.publish(encode_transient(n.channel, n.type, n.ws, n.sse));
}

void HubFeed::on_kick(const bus::Kick& k) {
  const std::string reason(service::k_kick_reason);
  auto frames = std::make_shared<hub::Frames>();
  frames->room = bus::user_channel(k.user);
  frames->kick_before = k.before_serial;
  auto sse =
      hub::make_frame(sse_event({}, "kicked", json::serialize(json::object{{"reason", reason}})));
  frames->by_format[static_cast<std::size_t>(hub::Format::ws)] =
      hub::make_frame(json::serialize(json::object{{"type", "kicked"}, {"reason", reason}}));
  frames->by_format[static_cast<std::size_t>(hub::Format::sse_json)] = sse;
  frames->by_format[static_cast<std::size_t>(hub::Format::sse_html)] = sse;
  hub_.publish(std::move(frames));
}

}  // namespace parley::transport
