#include "metrics/metrics.hpp"

#include <charconv>

namespace parley::metrics {
namespace {

// k_latency_buckets in nanoseconds, so observing compares integers.
constexpr std::array<std::int64_t, Metrics::k_latency_buckets.size()> k_bucket_ns{
    500'000,     1'000'000,   2'500'000,   5'000'000,     10'000'000,    25'000'000,   50'000'000,
    100'000'000, 250'000'000, 500'000'000, 1'000'000'000, 2'500'000'000, 5'000'000'000};

constexpr std::array<std::string_view, 3> k_transport_names{"http", "sse", "ws"};
constexpr std::array<std::string_view, 6> k_status_class_names{"other", "1xx", "2xx",
                                                               "3xx",   "4xx", "5xx"};

template <typename T>
void append_number(std::string& out, T v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Exact decimal seconds from integer nanoseconds ("1.5", "0.000250"), avoiding
// the rounding a double would add to a sum that only grows.
void append_seconds(std::string& out, std::uint64_t ns) {
  append_number(out, ns / 1'000'000'000);
  std::uint64_t frac = ns % 1'000'000'000;
  if (frac == 0) return;
  char digits[9];
  for (int i = 8; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  int len = 9;
  while (digits[len - 1] == '0') --len;
  out += '.';
  out.append(digits, static_cast<std::size_t>(len));
}

void append_header(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

template <typename T>
void append_sample(std::string& out, std::string_view name, std::string_view label,
                   std::string_view label_value, T value) {
  out.append(name);
  if (!label.empty()) out.append("{").append(label).append("=\"").append(label_value).append("\"}");
  out += ' ';
  append_number(out, value);
  out += '\n';
}

}  // namespace

void Metrics::request_finished(int status, std::chrono::nanoseconds latency) noexcept {
  const std::size_t cls =
      status >= 100 && status <= 599 ? static_cast<std::size_t>(status / 100) : 0;
  add(requests_[cls], 1);

  const std::int64_t ns = latency.count() > 0 ? latency.count() : 0;
  std::size_t b = 0;
  while (b < k_bucket_ns.size() && ns > k_bucket_ns[b]) ++b;
  add(latency_buckets_[b], 1);
  add(latency_sum_ns_, static_cast<std::uint64_t>(ns));
}

std::uint64_t Metrics::requests_total(int status_class) const noexcept {
  if (status_class < 0 || status_class >= static_cast<int>(k_status_classes)) return 0;
  return load(requests_[static_cast<std::size_t>(status_class)]);
}

std::uint64_t Metrics::deliveries_total(Transport t) const noexcept {
  std::uint64_t sum = 0;
  for (const auto& slot : delivered_) sum += load(slot[index(t)]);
  return sum;
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);

  constexpr std::string_view open = "parley_connections_open";
  append_header(out, open, "gauge", "Connections open now, by transport.");
  for (std::size_t t = 0; t < k_transports; ++t)
    append_sample(out, open, "transport", k_transport_names[t], load(open_[t]));

  constexpr std::string_view rejected = "parley_connections_rejected_total";
  append_header(out, rejected, "counter",
                "Connections refused with 503 because MAX_ALLOWED_CONNS was reached.");
  append_sample(out, rejected, "", "", load(rejected_));

  constexpr std::string_view stored = "parley_events_stored_total";
  append_header(out, stored, "counter", "Events appended to room logs.");
  append_sample(out, stored, "", "", load(events_stored_));

  constexpr std::string_view deliveries = "parley_deliveries_total";
  append_header(out, deliveries, "counter", "Events written to subscribers, by transport.");
  for (std::size_t t = 0; t < k_transports; ++t)
    append_sample(out, deliveries, "transport", k_transport_names[t],
                  deliveries_total(static_cast<Transport>(t)));

  constexpr std::string_view slow = "parley_slow_subscriber_disconnects_total";
  append_header(out, slow, "counter",
                "Subscribers disconnected because their outgoing queue exceeded MAX_QUEUE_BYTES.");
  append_sample(out, slow, "", "", load(slow_disconnects_));

  constexpr std::string_view limited = "parley_rate_limited_total";
  append_header(out, limited, "counter", "Sends refused with 429 by the per-user rate limit.");
  append_sample(out, limited, "", "", load(rate_limited_));

  constexpr std::string_view requests = "parley_http_requests_total";
  append_header(out, requests, "counter", "HTTP requests answered, by status class.");
  // 1xx..5xx first, in order; "other" last, as it is the unusual one.
  for (std::size_t c = 1; c <= k_status_classes; ++c) {
    const std::size_t i = c % k_status_classes;
    append_sample(out, requests, "code", k_status_class_names[i], load(requests_[i]));
  }

  constexpr std::string_view latency = "parley_http_request_duration_seconds";
  append_header(out, latency, "histogram", "Time from request read to response written.");
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < latency_buckets_.size(); ++b) {
    cumulative += load(latency_buckets_[b]);
    out.append(latency).append("_bucket{le=\"");
    out.append(b < k_latency_buckets.size() ? k_latency_buckets[b] : "+Inf");
    out.append("\"} ");
    append_number(out, cumulative);
    out += '\n';
  }
  out.append(latency).append("_sum ");
  append_seconds(out, load(latency_sum_ns_));
  out += '\n';
  out.append(latency).append("_count ");
  append_number(out, cumulative);
  out += '\n';
  return out;
}

}  // namespace parley::metrics
