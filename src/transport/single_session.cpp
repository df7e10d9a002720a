#include "transport/single_session.hpp"

#include <atomic>
#include <boost/json/serialize.hpp>

#include "transport/encode.hpp"
#include "transport/user_channel.hpp"

namespace parley::transport {

namespace json = boost::json;

std::uint64_t next_session_serial() {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

void kick_older_sessions(hub::Hub& hub, const chat::UserId& user, std::uint64_t serial) {
  const std::string reason(k_kick_reason);
  auto frames = std::make_shared<hub::Frames>();
  frames->room = user_channel(user);
  frames->kick_before = serial;
  auto sse =
      hub::make_frame(sse_event({}, "kicked", json::serialize(json::object{{"reason", reason}})));
  frames->by_format[static_cast<std::size_t>(hub::Format::ws)] =
      hub::make_frame(json::serialize(json::object{{"type", "kicked"}, {"reason", reason}}));
  frames->by_format[static_cast<std::size_t>(hub::Format::sse_json)] = sse;
  frames->by_format[static_cast<std::size_t>(hub::Format::sse_html)] = sse;
  hub.publish(std::move(frames));
}

}  // namespace parley::transport
