#include "transport/encode.hpp"

#include <boost/json/serialize.hpp>
#include <mutex>

#include "service/event_json.hpp"

namespace parley::transport {

namespace json = boost::json;

std::string sse_event(std::string_view id, std::string_view event, std::string_view data) {
  std::string out;
  out.reserve(data.size() + event.size() + id.size() + 32);
  if (!id.empty()) {
    out += "id: ";
    out += id;
    out += '\n';
  }
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  // SSE ends a field at a newline, so each line of the data is its own `data:`
  // field; the client joins them back with "\n".
  std::size_t start = 0;
  while (true) {
    auto nl = data.find('\n', start);
    out += "data: ";
    out += data.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    out += '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  out += '\n';
  return out;
}

namespace {

// What a stored event's formats are made from, kept by its Frames until the last
// subscriber is done with them. The JSON data is shared by the WebSocket and SSE-JSON
// forms, so it is serialised at most once too.
struct LazyEvent {
  chat::Event e;
  HtmlRenderer render_html;
  std::once_flag data_once;
  std::string data_text;

  const std::string& data() {
    std::call_once(data_once, [this] { data_text = json::serialize(service::event_json(e)); });
    return data_text;
  }

  hub::FramePtr make(hub::Format f) {
    const std::string id = std::to_string(e.seq);
    const auto kind = chat::to_string(e.kind);
    switch (f) {
      case hub::Format::ws: {
        const std::string& d = data();
        std::string ws;
        ws.reserve(d.size() + e.room.size() + 64);
        ws += R"({"type":"event","room":)";
        ws += json::serialize(json::string(e.room));
        ws += R"(,"kind":")";
        ws += kind;
        ws += R"(","seq":)";
        ws += id;
        ws += R"(,"data":)";
        ws += d;
        ws += '}';
        return hub::make_frame(std::move(ws));
      }
      case hub::Format::sse_json:
        return hub::make_frame(sse_event(id, kind, data()));
      case hub::Format::sse_html:
        if (!render_html) return nullptr;
        return hub::make_frame(sse_event(id, kind, render_html(e)));
      case hub::Format::count:
        break;
    }
    return nullptr;
  }
};

}  // namespace

hub::FramesPtr encode_event(chat::Event e, HtmlRenderer render_html) {
  auto frames = std::make_shared<hub::Frames>();
  frames->room = e.room;
  frames->seq = e.seq;
  auto lazy = std::make_shared<LazyEvent>();
  lazy->e = std::move(e);
  lazy->render_html = std::move(render_html);
  frames->encode = [lazy = std::move(lazy)](hub::Format f) { return lazy->make(f); };
  return frames;
}

hub::FramesPtr encode_transient(const std::string& room, std::string_view name,
                                const std::string& ws_payload, const std::string& sse_data) {
  auto frames = std::make_shared<hub::Frames>();
  frames->room = room;
  frames->seq = 0;
  auto sse = hub::make_frame(sse_event({}, name, sse_data));
  frames->by_format[static_cast<std::size_t>(hub::Format::ws)] = hub::make_frame(ws_payload);
  frames->by_format[static_cast<std::size_t>(hub::Format::sse_json)] = sse;
  frames->by_format[static_cast<std::size_t>(hub::Format::sse_html)] = sse;
  return frames;
}

hub::FramePtr encode_reset_sse(chat::Seq earliest_seq) {
  return hub::make_frame(
      sse_event({}, "reset", json::serialize(json::object{{"earliest_seq", earliest_seq}})));
}

hub::FramePtr encode_reset_ws(const std::string& room, chat::Seq earliest_seq) {
  return hub::make_frame(json::serialize(
      json::object{{"type", "reset"}, {"room", room}, {"earliest_seq", earliest_seq}}));
}

}  // namespace parley::transport
