#include "transport/sse/room_stream.hpp"

#include "transport/encode.hpp"
#include "transport/service.hpp"
#include "transport/sse/stream.hpp"

namespace parley::transport {

namespace beast = boost::beast;

namespace {

class SseSession final : public SseStream {
 public:
  SseSession(Services& services, hub::Shard& shard, beast::tcp_stream stream, hub::Format format,
             Identity who)
      : SseStream(services, shard, format, std::move(who), std::move(stream)), format_(format) {}

  void start(const chat::RoomId& room, chat::Seq after) {
    open();
    follow(room, after);
  }

 private:
  hub::FramePtr encode_replayed(const chat::Event& e) override {
    return encode_event(e, format_ == hub::Format::sse_html ? s_.render_html : nullptr)
        ->get(format_);
  }

  hub::Format format_;
};

}  // namespace

void start_sse_session(Services& services, hub::Shard& shard, beast::tcp_stream stream,
                       chat::RoomId room, chat::Seq after, hub::Format format, Identity who) {
  auto session =
      std::make_shared<SseSession>(services, shard, std::move(stream), format, std::move(who));
  session->start(room, after);
}

}  // namespace parley::transport
