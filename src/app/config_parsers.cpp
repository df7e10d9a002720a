#include "app/config_parsers.hpp"

#include <algorithm>
#include <charconv>
#include <system_error>

#include "app/logging.hpp"

namespace parley::app {

std::string in_quotes(std::string_view v) {
  constexpr std::size_t k_max = 64;
  std::string out = "'" + escape_controls(v.substr(0, k_max), NamedEscapes::no);
  if (v.size() > k_max) out += "...";
  out += "'";
  return out;
}

std::string trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::int64_t> integer(std::string_view name, const std::string& text, std::int64_t lo,
                                    std::int64_t hi, Problems& p, std::string_view why) {
  const std::string t = trim(text);
  std::int64_t v = 0;
  const auto* end = t.data() + t.size();
  const auto r = std::from_chars(t.data(), end, v);
  if (t.empty() || r.ec != std::errc{} || r.ptr != end || v < lo || v > hi) {
    std::string msg = in_quotes(text) + " is not a number between " + std::to_string(lo) + " and " +
                      std::to_string(hi);
    if (!why.empty()) msg += " (" + std::string(why) + ")";
    p.add(name, msg);
    return std::nullopt;
  }
  return v;
}

std::string show_decimal(double v) {
  char buf[400];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

std::optional<double> decimal(std::string_view name, const std::string& text, double lo, double hi,
                              Problems& p) {
  const std::string t = trim(text);
  double v = 0;
  const auto* end = t.data() + t.size();
  const auto r = std::from_chars(t.data(), end, v);
  // The negated comparison also rejects NaN, which from_chars accepts.
  if (t.empty() || r.ec != std::errc{} || r.ptr != end || !(v >= lo && v <= hi)) {
    p.add(name, in_quotes(text) + " is not a number between " + show_decimal(lo) + " and " +
                    show_decimal(hi));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> boolean(std::string_view name, const std::string& text, Problems& p) {
  const std::string t = lower(trim(text));
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off") return false;
  p.add(name, in_quotes(text) + " is not a boolean (true/false, 1/0, yes/no, on/off)");
  return std::nullopt;
}

std::optional<std::string> non_empty(std::string_view name, const std::string& text, Problems& p) {
  std::string t = trim(text);
  if (t.empty()) {
    p.add(name, "must not be empty");
    return std::nullopt;
  }
  return t;
}

bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  return std::ranges::any_of(prefixes, [&](std::string_view x) { return s.starts_with(x); });
}

namespace {

bool has_space(std::string_view s) {
  return std::ranges::any_of(s, [](char c) { return c == ' ' || c == '\t' || c == '\n'; });
}

}  // namespace

std::optional<std::string> http_url(std::string_view name, const std::string& text, Problems& p) {
  std::string t = trim(text);
  const auto scheme_end = t.find("://");
  if (!starts_with_any(t, {"http://", "https://"}) || t.size() == scheme_end + 3 ||
      t[scheme_end + 3] == '/' || has_space(t)) {
    p.add(name, in_quotes(text) + " is not an http:// or https:// URL with a host");
    return std::nullopt;
  }
  while (t.ends_with('/')) t.pop_back();
  return t;
}

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> out;
  std::string_view rest = text;
  while (true) {
    const auto comma = rest.find(',');
    auto item = trim(rest.substr(0, comma));
    if (!item.empty()) out.push_back(std::move(item));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

bool is_instance_id(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::ranges::all_of(s, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string redact_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto authority = scheme + 3;
  const auto path = url.find('/', authority);
  const auto at = url.rfind('@', path == std::string::npos ? std::string::npos : path);
  if (at == std::string::npos || at < authority) return url;
  const auto colon = url.find(':', authority);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace parley::app
