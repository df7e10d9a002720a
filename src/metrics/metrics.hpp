#pragma once
// Process-wide counters for operators, exposed in the Prometheus text format.
//
// Promises:
// - Every recording member is safe to call from any thread at any time, takes no
//   lock and allocates nothing: one relaxed atomic add (two to three for a request).
//   Counters are only ever summed, so relaxed ordering loses nothing.
// - render() may run concurrently with recording. Each number it prints is a value
//   the counter really had; numbers of different series are not a single atomic
//   snapshot. Within the latency histogram the buckets are cumulative and the
//   +Inf bucket equals _count, because both come from the same loads.
// Standard library only, so any module may count without depending on the server.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace parley::metrics {

enum class Transport : std::uint8_t { http, sse, ws };

class Metrics {
 public:
  // Upper bounds (seconds) of the request latency histogram's buckets; +Inf follows.
  static constexpr std::array<std::string_view, 13> k_latency_buckets{
      "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
      "0.1",    "0.25",  "0.5",    "1",     "2.5",  "5"};
  // The Content-Type of render()'s output.
  static constexpr std::string_view k_content_type = "text/plain; version=0.0.4; charset=utf-8";

  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Gauge parley_connections_open{transport}: call opened once when a connection
  // is accepted (or upgraded) and closed once when it ends.
  void connection_opened(Transport t) noexcept { add(open_[index(t)], 1); }
  void connection_closed(Transport t) noexcept { add(open_[index(t)], -1); }
  // A connection moving from plain HTTP to SSE or WebSocket.
  void connection_upgraded(Transport to) noexcept {
    connection_closed(Transport::http);
    connection_opened(to);
  }

  // parley_events_stored_total: events appended to a room log.
  void events_stored(std::uint64_t n = 1) noexcept { add(events_stored_, n); }
  // parley_deliveries_total{transport}: events written to subscribers; a flush
  // of n events counts n. `slot` is the caller's shard: every subscriber's flush
  // counts here, so each shard adds to cache lines of its own (finding 7 of
  // docs/PERFORMANCE.md); shards past k_delivery_slots share.
  void delivered(Transport t, std::uint64_t n = 1, std::size_t slot = 0) noexcept {
    add(delivered_[slot % k_delivery_slots][index(t)], n);
  }
  // parley_slow_subscriber_disconnects_total: subscribers dropped because their
  // outgoing queue passed MAX_QUEUE_BYTES.
  void slow_subscriber_disconnected() noexcept { add(slow_disconnects_, 1); }
  // parley_rate_limited_total: sends refused with 429.
  void rate_limited() noexcept { add(rate_limited_, 1); }
  // parley_connections_rejected_total: connections refused with 503 at the cap.
  void connection_rejected() noexcept { add(rejected_, 1); }
  // parley_http_requests_total{code="2xx"...} and the latency histogram
  // parley_http_request_duration_seconds. A status outside 100..599 counts as "other".
  void request_finished(int status, std::chrono::nanoseconds latency) noexcept;

  // Readers, mostly for tests and health pages.
  std::int64_t connections_open(Transport t) const noexcept { return load(open_[index(t)]); }
  std::uint64_t events_stored_total() const noexcept { return load(events_stored_); }
  std::uint64_t deliveries_total(Transport t) const noexcept;
  std::uint64_t slow_subscriber_disconnects_total() const noexcept {
    return load(slow_disconnects_);
  }
  std::uint64_t rate_limited_total() const noexcept { return load(rate_limited_); }
  std::uint64_t connections_rejected_total() const noexcept { return load(rejected_); }
  // status_class 1..5 for 1xx..5xx, 0 for "other".
  std::uint64_t requests_total(int status_class) const noexcept;

  // The whole registry in the Prometheus text exposition format (version 0.0.4).
  std::string render() const;

 private:
  // Each counter sits on its own cache line: shard threads bump different
  // counters at once, and sharing a line would make them contend for nothing.
  template <typename T>
  struct alignas(64) Cell {
    std::atomic<T> v{0};
  };
  using Counter = Cell<std::uint64_t>;
  using Gauge = Cell<std::int64_t>;

  static constexpr std::size_t k_transports = 3;
  static constexpr std::size_t k_status_classes = 6;  // other, 1xx .. 5xx
  static constexpr std::size_t k_delivery_slots = 16;

  static constexpr std::size_t index(Transport t) noexcept { return static_cast<std::size_t>(t); }
  template <typename T, typename D>
  static void add(Cell<T>& c, D d) noexcept {
    c.v.fetch_add(static_cast<T>(d), std::memory_order_relaxed);
  }
  template <typename T>
  static T load(const Cell<T>& c) noexcept {
    return c.v.load(std::memory_order_relaxed);
  }

  std::array<Gauge, k_transports> open_{};
  Counter events_stored_;
  std::array<std::array<Counter, k_transports>, k_delivery_slots> delivered_{};
  Counter slow_disconnects_;
  Counter rate_limited_;
  Counter rejected_;
  std::array<Counter, k_status_classes> requests_{};
  // Per-bucket (not cumulative) counts; the last is +Inf. render() sums them.
  std::array<Counter, k_latency_buckets.size() + 1> latency_buckets_{};
  Counter latency_sum_ns_;
};

}  // namespace parley::metrics
