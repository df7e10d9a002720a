#include "metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace parley::metrics {
namespace {

using namespace std::chrono_literals;

struct Sample {
  std::string name;
  std::string labels;  // as written between the braces, "" when none
  double value;
};

bool is_metric_name(std::string_view s) {
  return !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos;
}

// Parses render()'s output strictly enough to catch format slips: every line is
// a HELP, a TYPE or a sample, and every sample's family was declared first.
// (Hand-written rather than std::regex: GCC 12's <regex> trips -Wmaybe-uninitialized
// under the sanitizer build.)
std::vector<Sample> parse(const std::string& text) {
  std::vector<Sample> samples;
  std::set<std::string> helped;
  std::map<std::string, std::string> types;
  EXPECT_TRUE(text.ends_with('\n'));
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("# HELP ")) {
      const std::string rest = line.substr(7);
      const auto sp = rest.find(' ');
      const std::string name = rest.substr(0, sp);
      EXPECT_TRUE(is_metric_name(name) && sp != std::string::npos && sp + 1 < rest.size()) << line;
      EXPECT_TRUE(helped.insert(name).second) << "second HELP for " << name;
      continue;
    }
    if (line.starts_with("# TYPE ")) {
      const std::string rest = line.substr(7);
      const auto sp = rest.find(' ');
      const std::string name = rest.substr(0, sp);
      const std::string type = sp == std::string::npos ? "" : rest.substr(sp + 1);
      EXPECT_TRUE(type == "counter" || type == "gauge" || type == "histogram") << line;
      EXPECT_TRUE(helped.contains(name)) << "TYPE before HELP: " << line;
      types[name] = type;
      continue;
    }
    // name{label="value"} number
    const auto sp = line.rfind(' ');
    if (sp == std::string::npos) {
      ADD_FAILURE() << "not a metrics line: '" << line << "'";
      continue;
    }
    const std::string series = line.substr(0, sp);
    const std::string v = line.substr(sp + 1);
    const auto brace = series.find('{');
    const std::string name = series.substr(0, brace);
    std::string labels;
    if (brace != std::string::npos) {
      EXPECT_TRUE(series.ends_with("\"}")) << line;
      labels = series.substr(brace + 1, series.size() - brace - 2);
      const auto eq = labels.find("=\"");
      EXPECT_TRUE(eq != std::string::npos && is_metric_name(labels.substr(0, eq))) << line;
    }
    EXPECT_TRUE(is_metric_name(name)) << line;

    std::string family = name;
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (!family.ends_with(suffix)) continue;
      const std::string base = family.substr(0, family.size() - suffix.size());
      if (types.contains(base) && types[base] == "histogram") family = base;
    }
    EXPECT_TRUE(types.contains(family)) << "sample without TYPE: " << line;

    double value = 0;
    if (v == "+Inf") {
      value = 1e300;
    } else {
      const auto r = std::from_chars(v.data(), v.data() + v.size(), value);
      EXPECT_TRUE(r.ec == std::errc{} && r.ptr == v.data() + v.size()) << line;
    }
    samples.push_back({name, labels, value});
  }
  return samples;
}

double value_of(const std::vector<Sample>& samples, std::string_view name,
                std::string_view labels = "") {
  for (const auto& s : samples) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  ADD_FAILURE() << "no sample " << name << "{" << labels << "}";
  return -1;
}

TEST(Metrics, renders_every_series_at_zero_when_nothing_happened) {
  Metrics m;
  const auto s = parse(m.render());
  EXPECT_EQ(value_of(s, "parley_connections_open", R"(transport="ws")"), 0);
  EXPECT_EQ(value_of(s, "parley_events_stored_total"), 0);
  EXPECT_EQ(value_of(s, "parley_http_requests_total", R"(code="5xx")"), 0);
  EXPECT_EQ(value_of(s, "parley_http_request_duration_seconds_bucket", R"(le="+Inf")"), 0);
  EXPECT_EQ(value_of(s, "parley_http_request_duration_seconds_sum"), 0);
  EXPECT_EQ(value_of(s, "parley_http_request_duration_seconds_count"), 0);
}

TEST(Metrics, counts_what_it_is_told) {
  Metrics m;
  m.connection_opened(Transport::http);
  m.connection_opened(Transport::http);
  m.connection_upgraded(Transport::sse);
  m.connection_opened(Transport::ws);
  m.connection_closed(Transport::ws);
  m.events_stored();
  m.events_stored(2);
  m.delivered(Transport::sse, 5);
  m.delivered(Transport::ws);
  m.slow_subscriber_disconnected();
  m.rate_limited();
  m.rate_limited();
  m.connection_rejected();
  m.request_finished(200, 1ms);
  m.request_finished(204, 1ms);
  m.request_finished(404, 1ms);
  m.request_finished(503, 1ms);
  m.request_finished(42, 1ms);

  EXPECT_EQ(m.connections_open(Transport::http), 1);
  EXPECT_EQ(m.connections_open(Transport::sse), 1);
  EXPECT_EQ(m.connections_open(Transport::ws), 0);

  const auto s = parse(m.render());
  EXPECT_EQ(value_of(s, "parley_connections_open", R"(transport="http")"), 1);
  EXPECT_EQ(value_of(s, "parley_connections_open", R"(transport="sse")"), 1);
  EXPECT_EQ(value_of(s, "parley_connections_open", R"(transport="ws")"), 0);
  EXPECT_EQ(value_of(s, "parley_events_stored_total"), 3);
  EXPECT_EQ(value_of(s, "parley_deliveries_total", R"(transport="sse")"), 5);
  EXPECT_EQ(value_of(s, "parley_deliveries_total", R"(transport="ws")"), 1);
  EXPECT_EQ(value_of(s, "parley_deliveries_total", R"(transport="http")"), 0);
  EXPECT_EQ(value_of(s, "parley_slow_subscriber_disconnects_total"), 1);
  EXPECT_EQ(value_of(s, "parley_rate_limited_total"), 2);
  EXPECT_EQ(value_of(s, "parley_connections_rejected_total"), 1);
  EXPECT_EQ(value_of(s, "parley_http_requests_total", R"(code="2xx")"), 2);
  EXPECT_EQ(value_of(s, "parley_http_requests_total", R"(code="4xx")"), 1);
  EXPECT_EQ(value_of(s, "parley_http_requests_total", R"(code="5xx")"), 1);
  EXPECT_EQ(value_of(s, "parley_http_requests_total", R"(code="other")"), 1);
  EXPECT_EQ(m.requests_total(0), 1u);
  EXPECT_EQ(m.requests_total(2), 2u);
}

TEST(Metrics, latency_buckets_are_cumulative_and_end_in_count) {
  Metrics m;
  m.request_finished(200, 500us);  // exactly on a bound: counts in le="0.0005"
  m.request_finished(200, 501us);  // just above: le="0.001"
  m.request_finished(200, 30ms);   // le="0.05"
  m.request_finished(200, 30ms);
  m.request_finished(200, 6s);    // beyond the last bound: only +Inf
  m.request_finished(200, -1ms);  // a clock step backwards counts as zero
  const auto s = parse(m.render());

  std::vector<std::pair<std::string, double>> buckets;
  for (const auto& x : s) {
    if (x.name == "parley_http_request_duration_seconds_bucket")
      buckets.push_back({x.labels, x.value});
  }
  ASSERT_EQ(buckets.size(), Metrics::k_latency_buckets.size() + 1);
  for (std::size_t i = 0; i < Metrics::k_latency_buckets.size(); ++i)
    EXPECT_EQ(buckets[i].first, "le=\"" + std::string(Metrics::k_latency_buckets[i]) + "\"");
  EXPECT_EQ(buckets.back().first, R"(le="+Inf")");
  for (std::size_t i = 1; i < buckets.size(); ++i)
    EXPECT_LE(buckets[i - 1].second, buckets[i].second) << buckets[i].first;

  const auto bucket = [&](std::string_view le) {
    return value_of(s, "parley_http_request_duration_seconds_bucket",
                    "le=\"" + std::string(le) + "\"");
  };
  EXPECT_EQ(bucket("0.0005"), 2);  // 500us and the clamped negative
  EXPECT_EQ(bucket("0.001"), 3);
  EXPECT_EQ(bucket("0.025"), 3);
  EXPECT_EQ(bucket("0.05"), 5);
  EXPECT_EQ(bucket("5"), 5);
  EXPECT_EQ(bucket("+Inf"), 6);
  EXPECT_EQ(value_of(s, "parley_http_request_duration_seconds_count"), 6);
  EXPECT_DOUBLE_EQ(value_of(s, "parley_http_request_duration_seconds_sum"), 6.061001);
}

TEST(Metrics, sum_is_written_as_exact_decimal_seconds) {
  Metrics m;
  m.request_finished(200, 1500ms);
  m.request_finished(200, 250us);
  const std::string text = m.render();
  EXPECT_NE(text.find("parley_http_request_duration_seconds_sum 1.50025\n"), std::string::npos)
      << text;
}

TEST(Metrics, counts_exactly_under_concurrent_updates) {
  Metrics m;
  constexpr int k_threads = 4;
  constexpr int k_each = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < k_each; ++i) {
        // Shards count deliveries in slots of their own; every slot is summed.
        m.delivered(Transport::ws, 1, static_cast<std::size_t>(t) * 7);
        m.connection_opened(Transport::sse);
        m.request_finished(200, 2ms);
        m.connection_closed(Transport::sse);
      }
    });
  }
  // Rendering while others record must not tear the histogram.
  for (int i = 0; i < 20; ++i) {
    const auto s = parse(m.render());
    EXPECT_EQ(value_of(s, "parley_http_request_duration_seconds_bucket", R"(le="+Inf")"),
              value_of(s, "parley_http_request_duration_seconds_count"));
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.deliveries_total(Transport::ws), std::uint64_t{k_threads} * k_each);
  EXPECT_EQ(m.connections_open(Transport::sse), 0);
  EXPECT_EQ(m.requests_total(2), std::uint64_t{k_threads} * k_each);
}

}  // namespace
}  // namespace parley::metrics
