#include "auth/origin.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cstdint>
#include <string>

namespace parley::auth {

namespace urls = boost::urls;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string origin_of(std::string_view url) {
  auto parsed = urls::parse_uri(url);
  if (!parsed) return {};
  const urls::url_view& u = *parsed;

  std::uint16_t default_port = 0;
  switch (u.scheme_id()) {
    case urls::scheme::http:
      default_port = 80;
      break;
    case urls::scheme::https:
      default_port = 443;
      break;
    default:
      return {};
  }
  if (!u.has_authority()) return {};

  std::string host;
  switch (u.host_type()) {
    case urls::host_type::ipv4:
      host = u.host_ipv4_address().to_string();
      break;
    case urls::host_type::ipv6:
      host = "[" + u.host_ipv6_address().to_string() + "]";
      break;
    case urls::host_type::name:
      // Percent-encoded host names are legal in a URI but no browser sends one in an
      // Origin; refusing them avoids deciding when two encodings are one name.
      if (u.encoded_host().find('%') != std::string_view::npos) return {};
      host = lower(u.encoded_host());
      break;
    default:  // none (empty host) or ipvfuture
      return {};
  }
  if (host.empty()) return {};

  std::uint16_t port = default_port;
  // "http://host:" has an empty port, which means the default (WHATWG URL).
  if (u.has_port() && !u.port().empty()) {
    // Parsed here: Boost.URL 1.81's port_number() wraps values above 65535.
    unsigned long value = 0;
    for (char c : u.port()) {
      if (c < '0' || c > '9') return {};
      value = value * 10 + static_cast<unsigned long>(c - '0');
      if (value > 65535) return {};
    }
    if (value == 0) return {};
    port = static_cast<std::uint16_t>(value);
  }

  std::string out = lower(u.scheme());
  out += "://";
  out += host;
  if (port != default_port) {
    out += ':';
    out += std::to_string(port);
  }
  return out;
}

std::string origin_of_header(std::string_view value) {
  auto parsed = urls::parse_uri(value);
  if (!parsed) return {};
  const urls::url_view& u = *parsed;
  if (u.has_userinfo() || !u.encoded_path().empty() || u.has_query() || u.has_fragment()) {
    return {};
  }
  return origin_of(value);
}

bool origin_allowed(std::string_view origin, std::string_view base_url,
                    const std::vector<std::string>& allowed) {
  if (origin.empty()) return false;
  for (const auto& o : allowed) {
    if (o == origin) return true;
  }
  return origin == origin_of(base_url);
}

bool same_origin(std::string_view origin_header, std::string_view base_url) {
  const std::string a = origin_of(origin_header);
  return !a.empty() && a == origin_of(base_url);
}

}  // namespace parley::auth
