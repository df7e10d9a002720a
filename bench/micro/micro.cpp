// Micro-benchmarks of the hot pieces (docs/PERFORMANCE.md, "Micro-benchmarks"):
// encoding an event into its wire frames, the hub's fan-out and flush, parsing a
// WebSocket send frame, and rendering a message (markdown at send, HTML fragment at
// publish). Run: build-bench/parley-micro [--benchmark_filter=REGEX]
#include <benchmark/benchmark.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "chat/types.hpp"
#include "hub/frames.hpp"
#include "hub/hub.hpp"
#include "hub/shard.hpp"
#include "hub/subscriber.hpp"
#include "text/markdown.hpp"
#include "transport/encode.hpp"
#include "transport/io/socket_writer.hpp"
#include "transport/json_input.hpp"
#include "transport/ws/frame.hpp"
#include "web/event_html.hpp"

namespace {

using namespace parley;

// The 100-byte message the load client sends, as stored.
chat::Event sample_event() {
  chat::Event e;
  e.kind = chat::EventKind::message;
  e.room = "r_8fJ2kQ0aZx";
  e.seq = 123456;
  e.created_at = 1'790'000'000'123;
  e.author = {"u_Qm3x9PqLw2", "guest-ada", ""};
  e.text = "@@P3:0:12345:987654321012345;" + std::string(71, 'x');
  e.html = text::render_markdown(e.text);
  e.client_id = "p3r0m12345x99";
  return e;
}

transport::HtmlRenderer renderer() {
  return [](const chat::Event& e) { return web::event_html(e); };
}

// ---- frame encoding: once per event and format, shared by every subscriber. Formats
// are encoded on first use, so each benchmark asks for the ones it measures.
void BM_EncodeEvent_AllFormats(benchmark::State& st) {
  auto e = sample_event();
  auto render = renderer();
  for (auto _ : st) {
    auto frames = transport::encode_event(e, render);
    for (auto f : {hub::Format::ws, hub::Format::sse_json, hub::Format::sse_html}) {
      benchmark::DoNotOptimize(frames->get(f));
    }
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_EncodeEvent_AllFormats);

void BM_EncodeEvent_JsonOnly(benchmark::State& st) {
  auto e = sample_event();
  transport::HtmlRenderer none;
  for (auto _ : st) {
    auto frames = transport::encode_event(e, none);
    benchmark::DoNotOptimize(frames->get(hub::Format::ws));
    benchmark::DoNotOptimize(frames->get(hub::Format::sse_json));
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_EncodeEvent_JsonOnly);

// What the store's writer pays per published event now: the event is copied and no
// format encoded until a subscriber asks.
void BM_EncodeEvent_Unused(benchmark::State& st) {
  auto e = sample_event();
  auto render = renderer();
  for (auto _ : st) benchmark::DoNotOptimize(transport::encode_event(e, render));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_EncodeEvent_Unused);

void BM_SseEvent(benchmark::State& st) {
  std::string data(380, 'd');
  for (auto _ : st) benchmark::DoNotOptimize(transport::sse_event("123456", "message", data));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_SseEvent);

// ---- hub fan-out: Shard::deliver to N subscribers, then the flush the shard posts.
// The subscriber does what Streamer does that the hub pays for (queue a FramePtr,
// count bytes; at flush hand the batch over and clear it), without a socket, so
// this is the hub's own cost per delivery.
class QueueSubscriber final : public hub::Subscriber {
 public:
  void deliver(const hub::FramesPtr& f) override {
    const auto& frame = f->get(hub::Format::ws);
    bytes_ += frame->size();
    pending_.push_back(frame);
  }
  void flush() override {
    inflight_.swap(pending_);
    benchmark::DoNotOptimize(inflight_.data());
    inflight_.clear();
    bytes_ = 0;
  }

 private:
  std::vector<hub::FramePtr> pending_, inflight_;
  std::size_t bytes_ = 0;
};

void BM_ShardFanout(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const auto per_flush = static_cast<int>(st.range(1));  // events gathered per flush
  hub::Shard shard(0, std::chrono::microseconds(0));
  std::vector<QueueSubscriber> subs(n);
  for (auto& s : subs) shard.subscribe("room", &s);
  auto event = sample_event();
  event.room = "room";
  const hub::FramesPtr f = transport::encode_event(event, renderer());
  auto& io = shard.context();
  for (auto _ : st) {
    for (int i = 0; i < per_flush; ++i) shard.deliver(f);
    io.restart();
    io.poll();  // runs the posted flush
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(n) * per_flush);
  st.counters["ns_per_delivery"] =
      benchmark::Counter(static_cast<double>(st.iterations()) * static_cast<double>(n) * per_flush,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ShardFanout)
    ->Args({100, 1})
    ->Args({10000, 1})
    ->Args({10000, 8})
    ->Unit(benchmark::kMicrosecond);

// Hub::publish: the cross-thread hand-off (one post per shard) and the delivery.
void BM_HubPublish(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  hub::Hub hub(2, std::chrono::microseconds(2000));
  std::vector<QueueSubscriber> subs(n);
  for (std::size_t i = 0; i < n; ++i) hub.shard(i % 2).subscribe("room", &subs[i]);
  auto event = sample_event();
  event.room = "room";
  const hub::FramesPtr f = transport::encode_event(event, renderer());
  for (auto _ : st) {
    hub.publish(f);
    for (std::size_t s = 0; s < hub.size(); ++s) {
      auto& io = hub.shard(s).context();
      io.restart();
      io.poll();
    }
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_HubPublish)->Arg(1000)->Unit(benchmark::kMicrosecond);

// ---- the WebSocket write of one flush, as WsSession::write_batch does it: the
// frames newline-joined into one text frame by a gather write, on a real loopback
// TCP connection through Beast (websocket::stream<beast::tcp_stream>), the peer's
// bytes drained after each write. Arg: frames per flush. The buffer sequence is
// either the std::vector<const_buffer> write_batch passes today, or a non-owning
// std::span over the same vector: Beast's buffers_suffix / buffers_cat_view and
// Asio's write_op copy the sequence at every layer and every move, so a vector costs
// heap allocations per write that a span does not (docs/PERFORMANCE.md, Findings).
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

struct WsPair {
  asio::io_context io{1};
  std::optional<websocket::stream<beast::tcp_stream>> server;
  std::optional<asio::ip::tcp::socket> peer;
  WsPair() {
    asio::ip::tcp::acceptor acc(io, {asio::ip::make_address("127.0.0.1"), 0});
    asio::ip::tcp::socket c(io);
    c.connect(acc.local_endpoint());
    server.emplace(beast::tcp_stream(acc.accept()));
    websocket::stream<asio::ip::tcp::socket> client(std::move(c));
    server->async_accept([](beast::error_code) {});
    client.async_handshake("localhost", "/", [](beast::error_code) {});
    io.run();
    io.restart();
    peer.emplace(std::move(client.next_layer()));
    peer->non_blocking(true);
    server->text(true);
  }
  void drain() {
    static char sink[1 << 16];
    boost::system::error_code ec;
    while (peer->read_some(asio::buffer(sink), ec) > 0) {
    }
  }
};

template <bool Span>
void BM_WsWriteBatch(benchmark::State& st) {
  WsPair p;
  auto ws_frame = transport::encode_event(sample_event(), nullptr)->get(hub::Format::ws);
  const int n = static_cast<int>(st.range(0));
  static const char newline = '\n';
  std::vector<asio::const_buffer> bufs;
  for (int i = 0; i < n; ++i) {
    if (i) bufs.emplace_back(&newline, 1);
    bufs.emplace_back(ws_frame->data(), ws_frame->size());
  }
  for (auto _ : st) {
    if constexpr (Span) {
      p.server->async_write(std::span<const asio::const_buffer>(bufs),
                            [](beast::error_code, std::size_t) {});
    } else {
      p.server->async_write(bufs, [](beast::error_code, std::size_t) {});
    }
    p.io.run();
    p.io.restart();
    p.drain();
  }
  st.SetItemsProcessed(st.iterations() * n);
}
BENCHMARK_TEMPLATE(BM_WsWriteBatch, false)->Name("BM_WsWriteBatch/vector")->Arg(1)->Arg(8);
BENCHMARK_TEMPLATE(BM_WsWriteBatch, true)->Name("BM_WsWriteBatch/span")->Arg(1)->Arg(8);

// The floor under BM_WsWriteBatch: the same bytes (2-byte... 4-byte frame header
// plus the frames) with one plain send() on the same kind of connection.
void BM_RawSendBatch(benchmark::State& st) {
  WsPair p;
  auto ws_frame = transport::encode_event(sample_event(), nullptr)->get(hub::Format::ws);
  const int n = static_cast<int>(st.range(0));
  std::string bytes = "\x81\x7e\x01\x00";
  for (int i = 0; i < n; ++i) {
    if (i) bytes += '\n';
    bytes += *ws_frame;
  }
  auto& sock = beast::get_lowest_layer(*p.server).socket();
  for (auto _ : st) {
    benchmark::DoNotOptimize(sock.send(asio::buffer(bytes)));
    p.drain();
  }
  st.SetItemsProcessed(st.iterations() * n);
}
BENCHMARK(BM_RawSendBatch)->Arg(1)->Arg(8);

// What WsSession::write_batch does now: parley's own frame header and one
// SocketWriter::send (sendmsg over the header, the frames and the newlines), on the
// same kind of connection. Compare with BM_WsWriteBatch (Beast) and BM_RawSendBatch.
void BM_WsFrameWrite(benchmark::State& st) {
  WsPair p;
  auto ws_frame = transport::encode_event(sample_event(), nullptr)->get(hub::Format::ws);
  const int n = static_cast<int>(st.range(0));
  auto& sock = beast::get_lowest_layer(*p.server).socket();
  sock.native_non_blocking(true);
  transport::SocketWriter writer;
  std::array<char, 10> header{};
  static const char newline = '\n';
  for (auto _ : st) {
    std::size_t bytes = n - 1 + n * ws_frame->size();
    writer.add(
        {header.data(), transport::ws::encode_header(transport::ws::Opcode::text, bytes, header)});
    for (int i = 0; i < n; ++i) {
      if (i) writer.add({&newline, 1});
      writer.add(*ws_frame);
    }
    benchmark::DoNotOptimize(writer.send(sock.native_handle()));
    p.drain();
  }
  st.SetItemsProcessed(st.iterations() * n);
}
BENCHMARK(BM_WsFrameWrite)->Arg(1)->Arg(8);

// ---- the send frame: dispatch on type, then the checked fields (ws_session.cpp)
void BM_ParseSendFrame(benchmark::State& st) {
  const std::string text =
      R"({"type":"send","room":"r_8fJ2kQ0aZx","text":"@@P3:0:12345:987654321012345;)" +
      std::string(71, 'x') + R"(","client_id":"p3r0m12345x99"})";
  for (auto _ : st) {
    auto obj = transport::parse_json_object(text);
    auto in = transport::JsonInput::of(std::move(*obj), {"type", "room", "text", "client_id"});
    auto room = in->string("room");
    auto body = in->string("text");
    auto cid = in->optional_string("client_id");
    benchmark::DoNotOptimize(room);
    benchmark::DoNotOptimize(body);
    benchmark::DoNotOptimize(cid);
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_ParseSendFrame);

// ---- rendering: markdown once per send (service::Messages::post), the HTML
// fragment once per publish (encode_event's SSE-HTML format)
void BM_RenderMarkdown(benchmark::State& st) {
  auto e = sample_event();
  for (auto _ : st) benchmark::DoNotOptimize(text::render_markdown(e.text));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_RenderMarkdown);

void BM_RenderMarkdown_Rich(benchmark::State& st) {
  const std::string t =
      "hello **world**, see https://example.com/a?b=c and `code` ~~gone~~\n- one\n- two";
  for (auto _ : st) benchmark::DoNotOptimize(text::render_markdown(t));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_RenderMarkdown_Rich);

void BM_EventHtml(benchmark::State& st) {
  auto e = sample_event();
  for (auto _ : st) benchmark::DoNotOptimize(web::event_html(e));
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_EventHtml);

}  // namespace

BENCHMARK_MAIN();
