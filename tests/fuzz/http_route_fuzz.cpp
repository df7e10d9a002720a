// Fuzzes what the server does with a request's method and target before a handler
// runs (http_session.cpp): the path (the target up to '?') is matched by
// http::Router (src/http/router.hpp), and handlers read the query through
// rest::Context::query/has_query (transport/rest/envelope.cpp), form posts through
// web::form_field, and the page after sign-in through web::local_path (web/html.cpp).
//
// Input, as text: the first line is "METHOD TARGET" (a request line without the
// version); each further line "METHOD PATTERN" adds a route after the server's own.
//
// Checked: a match is the first route, in the order added, whose method and
// segments fit, and its parameters put back into its pattern give the path exactly
// (a route never captures a path it wasn't written for); a path that fits some
// route with another method is "known" (405, not 404); query() and has_query() agree
// with each other and with the first pair of that name, decoded; any bytes
// percent-encoded into a query or a form body come back as they were; local_path
// only ever returns a path on this origin.
#include <boost/beast/http/verb.hpp>
#include <boost/url/src.hpp>  // Boost.URL compiled here, so the fuzzer sees its branches
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fuzz_check.hpp"
#include "http/router.hpp"
#include "transport/rest/rest.hpp"
#include "web/html.hpp"

namespace {

namespace bh = boost::beast::http;
namespace rest = parley::transport::rest;

struct Route {
  bh::verb method;
  std::string pattern;
};

// The shapes the server registers (http/server.cpp, transport/rest/routes.cpp,
// web/pages.cpp): literal segments, {parameters}, the same path under several
// methods, and paths that differ only in their last segment.
const Route k_server_routes[] = {
    {bh::verb::get, "/api/ws"},
    {bh::verb::get, "/api/rooms/{id}/events"},
    {bh::verb::get, "/rooms/{id}/events"},
    {bh::verb::get, "/events"},
    {bh::verb::get, "/api/events"},
    {bh::verb::get, "/"},
    {bh::verb::get, "/health"},
    {bh::verb::get, "/metrics"},
    {bh::verb::post, "/api/guest"},
    {bh::verb::post, "/api/login"},
    {bh::verb::get, "/api/me"},
    {bh::verb::get, "/api/rooms"},
    {bh::verb::post, "/api/rooms"},
    {bh::verb::get, "/api/rooms/{id}"},
    {bh::verb::get, "/api/rooms/{id}/messages"},
    {bh::verb::post, "/api/rooms/{id}/messages"},
    {bh::verb::patch, "/api/rooms/{id}/messages/{seq}"},
    {bh::verb::delete_, "/api/rooms/{id}/messages/{seq}"},
    {bh::verb::post, "/api/rooms/{id}/messages/{seq}/reactions"},
    {bh::verb::post, "/api/dm/{user_id}"},
    {bh::verb::post, "/api/match"},
    {bh::verb::delete_, "/api/match"},
    {bh::verb::get, "/auth/{provider}"},
    {bh::verb::get, "/auth/{provider}/callback"},
    {bh::verb::get, "/rooms/{id}"},
    {bh::verb::post, "/rooms/{id}/messages/{seq}/edit"},
    {bh::verb::post, "/rooms/{id}/messages/{seq}/delete"},
    {bh::verb::get, "/invite/{token}"},
};

// The query names handlers read.
const std::string_view k_query_names[] = {"since", "token", "next",  "random", "after",
                                          "error", "code",  "state", "left",   "v"};

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const std::size_t nl = s.find('\n');
    out.push_back(s.substr(0, nl));
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return out;
}

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool is_param(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

// Whether `path` is one the pattern was written for: the same number of segments,
// literals equal, each parameter a non-empty segment. Only origin-form paths
// ("/...") are paths at all.
bool fits(std::string_view pattern, std::string_view path) {
  if (!path.starts_with('/')) return false;
  const auto p = segments(pattern), s = segments(path);
  if (p.size() != s.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (is_param(p[i]) ? s[i].empty() : p[i] != s[i]) return false;
  }
  return true;
}

// The pattern with each {name} replaced by params[name].
std::string instantiate(std::string_view pattern,
                        const std::unordered_map<std::string, std::string>& params) {
  std::string out;
  for (auto seg : segments(pattern)) {
    out += '/';
    if (is_param(seg)) {
      auto it = params.find(std::string(seg.substr(1, seg.size() - 2)));
      FUZZ_CHECK(it != params.end());
      out += it->second;
    } else {
      out += seg;
    }
  }
  return out;
}

// A pattern the server could register: starts with '/', no parameter name twice
// (the router keeps the first of two, and no route has two).
bool usable_pattern(std::string_view pattern) {
  if (!pattern.starts_with('/')) return false;
  std::vector<std::string_view> names;
  for (auto seg : segments(pattern)) {
    if (!is_param(seg)) continue;
    for (auto n : names) {
      if (n == seg) return false;
    }
    names.push_back(seg);
  }
  return true;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding, as Boost.URL's params() does it:
// %XX, and '+' for a space. (Only used on queries Boost.URL accepted.)
std::string form_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Pair {
  std::string key, value;
};

// The query's name/value pairs in order: split at '&', then at the first '='.
std::vector<Pair> query_pairs(std::string_view target) {
  std::vector<Pair> out;
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return out;
  for (auto rest = target.substr(q + 1);;) {
    const std::size_t amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    const std::size_t eq = item.find('=');
    out.push_back({form_decode(item.substr(0, eq)),
                   eq == std::string_view::npos ? "" : form_decode(item.substr(eq + 1))});
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

// Every byte but the unreserved ones as %XX (a space as '+' when `plus`).
std::string percent_encode(std::string_view s, bool plus) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else if (plus && c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

// After sign-in the browser goes to local_path(next): it must stay on this origin,
// so a path ("/..."), never "//host" or "/\host" (which browsers read as "//host"),
// and no control characters (which browsers strip, and so could make one of those).
void check_local_path(std::string_view next) {
  const std::string out = parley::web::local_path(next);
  FUZZ_CHECK(out == "/" || out == next);
  FUZZ_CHECK(out.starts_with('/'));
  FUZZ_CHECK(!(out.size() > 1 && (out[1] == '/' || out[1] == '\\')));
  for (char c : out) FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20);
}

void check_route(const std::vector<Route>& routes, bh::verb method, std::string_view target) {
  parley::http::Router<std::size_t> router;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    router.add(routes[i].method, routes[i].pattern, i);
  }
  // As http_session.cpp takes it from the request.
  const std::string path(target.substr(0, target.find('?')));
  const auto m = router.match(method, path);

  std::optional<std::size_t> want;
  bool known = false;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    if (!fits(routes[i].pattern, path)) continue;
    known = true;
    if (routes[i].method == method && !want) want = i;
  }
  FUZZ_CHECK(m.path_known == known);
  FUZZ_CHECK(m.target ? want && *m.target == *want : !want);
  if (m.target) {
    FUZZ_CHECK(instantiate(routes[*m.target].pattern, m.params) == path);
    for (const auto& [name, value] : m.params) {
      FUZZ_CHECK(!value.empty() && value.find('/') == std::string::npos);
    }
  } else {
    FUZZ_CHECK(m.params.empty());
  }
}

void check_query(std::string_view target) {
  const rest::Request req{bh::verb::get, target, 11};
  const rest::Context ctx{req, std::nullopt, {}};
  const bool parses = bool(boost::urls::parse_origin_form(target));
  const auto pairs = query_pairs(target);
  std::vector<std::string> names(std::begin(k_query_names), std::end(k_query_names));
  // Names as handlers write them: Boost.URL's find() reads a '+' in a key as '+'
  // where its iteration reads a space, a difference no identifier can see.
  for (const auto& p : pairs) {
    if (!p.key.empty() &&
        p.key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789") == std::string::npos) {
      names.push_back(p.key);
    }
  }
  for (const auto& name : names) {
    const std::string value = ctx.query(name);
    const bool has = ctx.has_query(name);
    if (!parses) {
      FUZZ_CHECK(!has && value.empty());
      continue;
    }
    const Pair* first = nullptr;
    for (const auto& p : pairs) {
      if (p.key == name) {
        first = &p;
        break;
      }
    }
    FUZZ_CHECK(has == (first != nullptr));
    FUZZ_CHECK(value == (first ? first->value : ""));
  }
  if (parses) check_local_path(ctx.query("next"));

  // Whatever bytes a client encodes come back decoded as they were.
  const std::string encoded = "/login?a=1&next=" + percent_encode(target, false) + "&next=2";
  const rest::Request round{bh::verb::get, encoded, 11};
  const rest::Context rctx{round, std::nullopt, {}};
  FUZZ_CHECK(rctx.has_query("next") && rctx.query("next") == target);
  const std::string body = "a=1&next=" + percent_encode(target, true);
  FUZZ_CHECK(parley::web::form_field(body, "next") == target);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto lines = split_lines({reinterpret_cast<const char*>(data), size});
  if (lines.empty()) return 0;
  const std::string_view request = lines[0];
  const std::size_t sp = request.find(' ');
  if (sp == std::string_view::npos) return 0;
  const bh::verb method = bh::string_to_verb(request.substr(0, sp));
  const std::string_view target = request.substr(sp + 1);

  std::vector<Route> routes(std::begin(k_server_routes), std::end(k_server_routes));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::size_t at = lines[i].find(' ');
    if (at == std::string_view::npos) continue;
    const bh::verb v = bh::string_to_verb(lines[i].substr(0, at));
    const std::string_view pattern = lines[i].substr(at + 1);
    if (v != bh::verb::unknown && usable_pattern(pattern))
      routes.push_back({v, std::string(pattern)});
  }
  check_route(routes, method, target);
  check_query(target);
  check_local_path(target);
  return 0;
}
