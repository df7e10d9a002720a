#include "app/config.hpp"

#include <sys/random.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <thread>

#include "app/logging.hpp"
#include "auth/origin.hpp"

extern char** environ;

namespace parley::app {
namespace {

// ---------------------------------------------------------------------------
// Problems and how values are quoted in them

// A value echoed in a message is shortened and has control characters escaped:
// the message must stay one readable line whatever the environment holds.
std::string in_quotes(std::string_view v) {
  constexpr std::size_t k_max = 64;
  std::string out = "'";
  for (std::size_t i = 0; i < v.size() && i < k_max; ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c == 0x7f) {
      constexpr char k_hex[] = "0123456789abcdef";
      out += "\\x";
      out += k_hex[c >> 4];
      out += k_hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (v.size() > k_max) out += "...";
  out += "'";
  return out;
}

struct Problems {
  std::vector<std::string> list;
  std::set<std::string, std::less<>> names;  // settings with a problem, to skip cross-checks

  void add(std::string_view name, std::string_view message) {
    list.push_back(std::string(name) + ": " + std::string(message));
    names.emplace(name);
  }
  bool has(std::string_view name) const { return names.contains(name); }
};

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

// ---------------------------------------------------------------------------
// Value parsers: each returns nullopt after recording one problem.

std::optional<std::int64_t> integer(std::string_view name, const std::string& text, std::int64_t lo,
                                    std::int64_t hi, Problems& p, std::string_view why = {}) {
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
  // Fixed notation: "1000000" reads better in a message than "1e+06".
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

bool has_space(std::string_view s) {
  return std::ranges::any_of(s, [](char c) { return c == ' ' || c == '\t' || c == '\n'; });
}

// An http(s) URL with a host; trailing slashes dropped so callers can append paths.
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

// Shows a URL with the password of its user-info replaced, for logs.
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

// ---------------------------------------------------------------------------
// The table of settings: one row per variable. Rows are applied in order, so
// PORT precedes BASE_URL (whose default depends on it).

using Apply = void (*)(Config&, std::string_view name, const std::string& value, Problems&);
using Show = std::string (*)(const Config&);

struct Setting {
  std::string_view name;
  std::string_view type;  // value placeholder in --help; "[BOOL]" marks a boolean
  std::string_view help;
  bool secret;                    // never a flag, never shown
  std::string_view default_text;  // for --help when show(Config{}) is not the real default
  Apply apply;
  Show show;
};

std::string yes_no(bool b) {
  return b ? "true" : "false";
}

// Secrets are shown as whether they are set, never as their value.
std::string show_secret(const std::string& value, bool generated) {
  if (generated) return "<generated>";
  return value.empty() ? "<empty>" : "<set>";
}

// A "string with a default that must not be empty" row.
#define PARLEY_NON_EMPTY(member)                                         \
  [](Config& c, std::string_view n, const std::string& v, Problems& p) { \
    if (auto s = non_empty(n, v, p)) c.member = std::move(*s);           \
  }
#define PARLEY_TEXT(member) \
  [](Config& c, std::string_view, const std::string& v, Problems&) { c.member = trim(v); }
// An optional http(s) URL: empty keeps the default (empty), anything else must be a URL.
#define PARLEY_URL(member)                                               \
  [](Config& c, std::string_view n, const std::string& v, Problems& p) { \
    if (trim(v).empty()) return;                                         \
    if (auto u = http_url(n, v, p)) c.member = std::move(*u);            \
  }
#define PARLEY_BOOL(member)                                              \
  [](Config& c, std::string_view n, const std::string& v, Problems& p) { \
    if (auto b = boolean(n, v, p)) c.member = *b;                        \
  }
#define PARLEY_INT(member, lo, hi, ...)                                  \
  [](Config& c, std::string_view n, const std::string& v, Problems& p) { \
    if (auto i = integer(n, v, lo, hi, p __VA_OPT__(, ) __VA_ARGS__))    \
      c.member = static_cast<decltype(c.member)>(*i);                    \
  }
#define PARLEY_SHOW(expr) [](const Config& c) -> std::string { return expr; }
#define PARLEY_SHOW_NUM(member) PARLEY_SHOW(std::to_string(c.member))

constexpr std::int64_t k_mib = 1 << 20;

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = {
      // --- network ---
      {"HOST", "ADDR", "Address to bind", false, "", PARLEY_NON_EMPTY(host), PARLEY_SHOW(c.host)},
      {"PORT", "PORT", "TCP port to listen on; 0 lets the OS pick", false, "",
       PARLEY_INT(port, 0, 65535), PARLEY_SHOW_NUM(port)},
      {"BASE_URL", "URL", "Public URL of the server, used in links and cookies", false,
       "http://localhost:<PORT>",
       [](Config& c, std::string_view n, const std::string& v, Problems& p) {
         if (trim(v).empty()) return;  // empty: keep the default
         if (auto u = http_url(n, v, p)) {
           c.base_url = std::move(*u);
           c.base_url_defaulted = false;
         }
       },
       PARLEY_SHOW(c.base_url)},
      {"ALLOWED_ORIGINS", "LIST",
       "Comma-separated origins (scheme://host[:port]) whose pages may use the session, "
       "besides BASE_URL's",
       false, "",
       [](Config& c, std::string_view n, const std::string& v, Problems& p) {
         auto list = auth::parse_origin_list(v);
         if (!list.bad.empty()) {
           p.add(n, in_quotes(list.bad) + " is not an origin (scheme://host[:port], no path)");
         } else {
           c.allowed_origins = std::move(list.origins);
         }
       },
       [](const Config& c) {
         std::string s;
         for (const auto& item : c.allowed_origins) s += (s.empty() ? "" : ",") + item;
         return s;
       }},

      // --- storage ---
      {"DATABASE_URL", "URL", "sqlite://PATH (postgres://, redis://: not supported yet)", false, "",
       [](Config& c, std::string_view n, const std::string& v, Problems& p) {
         auto s = non_empty(n, v, p);
         if (!s) return;
         // API.md names postgres:// and redis:// stores; this build has neither, and
         // saying so here (exit 2) beats failing later when the store opens.
         if (starts_with_any(*s, {"postgres://", "postgresql://", "redis://", "rediss://"})) {
           p.add(n, in_quotes(redact_url(*s)) +
                        ": this build supports sqlite:// only for now (postgres:// and "
                        "redis:// stores are not implemented yet)");
         } else if (!s->starts_with("sqlite://")) {
           p.add(n, in_quotes(v) + " must start with sqlite://");
         } else if (*s == "sqlite://") {
           p.add(n, in_quotes(v) + " names no database file");
         } else {
           c.database_url = std::move(*s);
         }
       },
       PARLEY_SHOW(redact_url(c.database_url))},
      {"REDIS_URL", "URL", "Must be empty: events across instances are not implemented yet", false,
       "",
       [](Config& c, std::string_view n, const std::string& v, Problems& p) {
         std::string s = trim(v);
         if (!s.empty() && !starts_with_any(s, {"redis://", "rediss://"})) {
           p.add(n, in_quotes(v) + " must start with redis:// or rediss://");
           return;
         }
         // Running single-instance while the operator asked for several would split
         // rooms between instances without a word: refuse instead.
         if (!s.empty()) {
           p.add(n,
                 "the multi-instance event bus (Redis) is not implemented yet; leave "
                 "REDIS_URL empty and run one instance");
           return;
         }
         c.redis_url = std::move(s);
       },
       PARLEY_SHOW(redact_url(c.redis_url))},
      {"MEDIA_DIR", "DIR", "Media directory (attachments are not supported yet)", false, "",
       PARLEY_NON_EMPTY(media_dir), PARLEY_SHOW(c.media_dir)},
      {"STATIC_DIR", "DIR", "The web app's static files; empty: the static/ beside the binary",
       false, "", PARLEY_TEXT(static_dir), PARLEY_SHOW(c.static_dir)},
      {"S3_ENDPOINT", "URL", "S3 endpoint (attachments are not supported yet)", false, "",
       [](Config& c, std::string_view n, const std::string& v, Problems& p) {
         if (trim(v).empty()) return;
         if (auto u = http_url(n, v, p)) c.s3.endpoint = std::move(*u);
       },
       PARLEY_SHOW(c.s3.endpoint)},
      {"S3_BUCKET", "NAME", "S3 bucket (attachments are not supported yet)", false, "",
       PARLEY_TEXT(s3.bucket), PARLEY_SHOW(c.s3.bucket)},
      {"S3_REGION", "NAME", "S3 region (unused for now)", false, "", PARLEY_TEXT(s3.region),
       PARLEY_SHOW(c.s3.region)},
      {"S3_ACCESS_KEY_ID", "", "S3 access key id", true, "", PARLEY_TEXT(s3.access_key_id),
       PARLEY_SHOW(show_secret(c.s3.access_key_id, false))},
      {"S3_SECRET_ACCESS_KEY", "", "S3 secret access key", true, "",
       PARLEY_TEXT(s3.secret_access_key), PARLEY_SHOW(show_secret(c.s3.secret_access_key, false))},

      // --- authentication ---
      // Secrets are taken verbatim (not trimmed): every byte of a key counts.
      {"SESSION_SECRET", "", "Key for session cookies; empty: random, sessions end on restart",
       true, "",
       [](Config& c, std::string_view, const std::string& v, Problems&) { c.session_secret = v; },
       PARLEY_SHOW(show_secret(c.session_secret, c.session_secret_generated))},
      {"JWT_SECRET", "", "Key for API tokens; empty: random, tokens end on restart", true, "",
       [](Config& c, std::string_view, const std::string& v, Problems&) { c.jwt_secret = v; },
       PARLEY_SHOW(show_secret(c.jwt_secret, c.jwt_secret_generated))},
      {"JWT_EXPIRATION_SECONDS", "SECONDS", "Lifetime of an API token", false, "",
       PARLEY_INT(jwt_expiration_seconds, 1, 315'360'000), PARLEY_SHOW_NUM(jwt_expiration_seconds)},
      {"GUEST_LOGIN", "[BOOL]", "Allow joining with a display name only", false, "",
       PARLEY_BOOL(guest_login), PARLEY_SHOW(yes_no(c.guest_login))},
      {"ENABLE_PASSWORD_LOGIN", "[BOOL]", "Allow username and password login", false, "",
       PARLEY_BOOL(enable_password_login), PARLEY_SHOW(yes_no(c.enable_password_login))},
      {"OPEN_REGISTRATION", "[BOOL]", "Let anyone create an account", false, "",
       PARLEY_BOOL(open_registration), PARLEY_SHOW(yes_no(c.open_registration))},
      {"ALLOW_LIST", "LIST", "Comma-separated users allowed in; empty: everyone", false, "",
       [](Config& c, std::string_view, const std::string& v, Problems&) {
         c.allow_list = comma_list(v);
       },
       [](const Config& c) {
         std::string s;
         for (const auto& item : c.allow_list) s += (s.empty() ? "" : ",") + item;
         return s;
       }},
      {"SINGLE_SESSION", "[BOOL]", "A new login ends the user's other sessions", false, "",
       PARLEY_BOOL(single_session), PARLEY_SHOW(yes_no(c.single_session))},
      {"GITHUB_CLIENT_ID", "ID", "GitHub OAuth client id", false, "", PARLEY_TEXT(github.client_id),
       PARLEY_SHOW(c.github.client_id)},
      {"GITHUB_CLIENT_SECRET", "", "GitHub OAuth client secret", true, "",
       PARLEY_TEXT(github.client_secret), PARLEY_SHOW(show_secret(c.github.client_secret, false))},
      {"GOOGLE_CLIENT_ID", "ID", "Google OAuth client id", false, "", PARLEY_TEXT(google.client_id),
       PARLEY_SHOW(c.google.client_id)},
      {"GOOGLE_CLIENT_SECRET", "", "Google OAuth client secret", true, "",
       PARLEY_TEXT(google.client_secret), PARLEY_SHOW(show_secret(c.google.client_secret, false))},
      {"DISCORD_CLIENT_ID", "ID", "Discord OAuth client id", false, "",
       PARLEY_TEXT(discord.client_id), PARLEY_SHOW(c.discord.client_id)},
      {"DISCORD_CLIENT_SECRET", "", "Discord OAuth client secret", true, "",
       PARLEY_TEXT(discord.client_secret),
       PARLEY_SHOW(show_secret(c.discord.client_secret, false))},
      {"GITHUB_OAUTH_AUTHORIZE_URL", "URL", "GitHub authorization endpoint; empty: GitHub's own",
       false, "", PARLEY_URL(github.authorize_url), PARLEY_SHOW(c.github.authorize_url)},
      {"GITHUB_OAUTH_TOKEN_URL", "URL", "GitHub token endpoint; empty: GitHub's own", false, "",
       PARLEY_URL(github.token_url), PARLEY_SHOW(c.github.token_url)},
      {"GITHUB_OAUTH_USERINFO_URL", "URL", "GitHub user-info endpoint; empty: GitHub's own", false,
       "", PARLEY_URL(github.userinfo_url), PARLEY_SHOW(c.github.userinfo_url)},
      {"GOOGLE_OAUTH_AUTHORIZE_URL", "URL", "Google authorization endpoint; empty: Google's own",
       false, "", PARLEY_URL(google.authorize_url), PARLEY_SHOW(c.google.authorize_url)},
      {"GOOGLE_OAUTH_TOKEN_URL", "URL", "Google token endpoint; empty: Google's own", false, "",
       PARLEY_URL(google.token_url), PARLEY_SHOW(c.google.token_url)},
      {"GOOGLE_OAUTH_USERINFO_URL", "URL", "Google user-info endpoint; empty: Google's own", false,
       "", PARLEY_URL(google.userinfo_url), PARLEY_SHOW(c.google.userinfo_url)},
      {"DISCORD_OAUTH_AUTHORIZE_URL", "URL", "Discord authorization endpoint; empty: Discord's own",
       false, "", PARLEY_URL(discord.authorize_url), PARLEY_SHOW(c.discord.authorize_url)},
      {"DISCORD_OAUTH_TOKEN_URL", "URL", "Discord token endpoint; empty: Discord's own", false, "",
       PARLEY_URL(discord.token_url), PARLEY_SHOW(c.discord.token_url)},
      {"DISCORD_OAUTH_USERINFO_URL", "URL", "Discord user-info endpoint; empty: Discord's own",
       false, "", PARLEY_URL(discord.userinfo_url), PARLEY_SHOW(c.discord.userinfo_url)},

      // --- limits and retention ---
      {"MAX_MSG_SIZE_BYTE", "BYTES", "Largest message text, in UTF-8 bytes", false, "",
       PARLEY_INT(max_msg_bytes, 1, 16 * k_mib), PARLEY_SHOW_NUM(max_msg_bytes)},
      {"MAX_ALLOWED_CONNS", "N", "Open connections allowed; over it new ones get 503", false, "",
       PARLEY_INT(max_allowed_conns, 1, 10'000'000), PARLEY_SHOW_NUM(max_allowed_conns)},
      {"MAX_MSGS", "N", "Events kept per room; 0: all", false, "",
       PARLEY_INT(max_msgs, 0, 1'000'000'000'000), PARLEY_SHOW_NUM(max_msgs)},
      {"RETENTION_DAYS", "DAYS", "Days messages are kept; 0: forever", false, "",
       PARLEY_INT(retention_days, 0, 36'500), PARLEY_SHOW_NUM(retention_days)},

      // --- process ---
      {"INSTANCE_ID", "ID", "This instance, in /health and logs", false, "<hostname>-<pid>",
       [](Config& c, std::string_view n, const std::string& v, Problems& p) {
         std::string s = trim(v);
         if (s.empty()) return;  // empty: keep the default
         if (!is_instance_id(s)) {
           p.add(n, in_quotes(v) + " is not 1 to 64 of letters, digits, '.', '_' and '-'");
           return;
         }
         c.instance_id = std::move(s);
       },
       PARLEY_SHOW(c.instance_id)},
      {"THREADS", "N", "I/O threads (shards)", false, "hardware threads",
       PARLEY_INT(threads, 1, 256), PARLEY_SHOW_NUM(threads)},
      {"LOG_LEVEL", "LEVEL", "trace, debug, info, warn, error or off", false, "",
       [](Config& c, std::string_view n, const std::string& v, Problems& p) {
         std::string level = lower(trim(v));
         if (!is_log_level(level)) {
           p.add(n, in_quotes(v) + " is not one of trace, debug, info, warn, error, off");
           return;
         }
         c.log_level = std::move(level);
       },
       PARLEY_SHOW(c.log_level)},
      {"LOG_FORMAT", "FORMAT", "text (one line per event) or json (one object per line)", false, "",
       [](Config& c, std::string_view n, const std::string& v, Problems& p) {
         std::string format = lower(trim(v));
         if (!is_log_format(format)) {
           p.add(n, in_quotes(v) + " is not one of text, json");
           return;
         }
         c.log_format = std::move(format);
       },
       PARLEY_SHOW(c.log_format)},

      // --- server tunables ---
      {"MAX_BODY_BYTES", "BYTES", "Largest request body or WebSocket message", false, "",
       PARLEY_INT(max_body_bytes, 1024, 1024 * k_mib), PARLEY_SHOW_NUM(max_body_bytes)},
      {"MAX_HEADER_BYTES", "BYTES", "Largest request line plus headers", false, "",
       PARLEY_INT(max_header_bytes, 1024, k_mib), PARLEY_SHOW_NUM(max_header_bytes)},
      {"IDLE_TIMEOUT_SECONDS", "SECONDS", "Idle keep-alive connections are closed after this",
       false, "", PARLEY_INT(idle_timeout_seconds, 1, 86'400),
       PARLEY_SHOW_NUM(idle_timeout_seconds)},
      {"SSE_PING_SECONDS", "SECONDS", "Comment line sent on idle event streams", false, "",
       PARLEY_INT(sse_ping_seconds, 1, 24, "proxies drop streams idle for 25 s or more"),
       PARLEY_SHOW_NUM(sse_ping_seconds)},
      {"WS_PING_SECONDS", "SECONDS", "Ping after this silence (< pong timeout)", false, "",
       PARLEY_INT(ws_ping_seconds, 1, 3600), PARLEY_SHOW_NUM(ws_ping_seconds)},
      {"WS_PONG_TIMEOUT_SECONDS", "SECONDS", "A WebSocket silent this long is closed", false, "",
       PARLEY_INT(ws_pong_timeout_seconds, 1, 3600), PARLEY_SHOW_NUM(ws_pong_timeout_seconds)},
      {"MAX_QUEUE_BYTES", "BYTES", "Outgoing queue per subscriber; over it, disconnected", false,
       "", PARLEY_INT(max_queue_bytes, 1024, 1024 * k_mib), PARLEY_SHOW_NUM(max_queue_bytes)},
      {"FLUSH_WINDOW_MS", "MS", "Delay to batch deliveries into one write; 0: none", false, "",
       PARLEY_INT(flush_window_ms, 0, 1000), PARLEY_SHOW_NUM(flush_window_ms)},
      {"SEND_RATE_PER_SEC", "RATE", "Messages per second per user, sustained", false, "",
       [](Config& c, std::string_view n, const std::string& v, Problems& p) {
         if (auto d = decimal(n, v, 0.001, 1e6, p)) c.send_rate_per_sec = *d;
       },
       PARLEY_SHOW(show_decimal(c.send_rate_per_sec))},
      {"SEND_BURST", "N", "Messages per user in a burst", false, "",
       [](Config& c, std::string_view n, const std::string& v, Problems& p) {
         if (auto d = decimal(n, v, 1, 1e6, p)) c.send_burst = *d;
       },
       PARLEY_SHOW(show_decimal(c.send_burst))},
      {"SHUTDOWN_GRACE_SECONDS", "SECONDS", "Time to drain connections on SIGTERM", false, "",
       PARLEY_INT(shutdown_grace_seconds, 0, 3600), PARLEY_SHOW_NUM(shutdown_grace_seconds)},
  };
  return table;
}

#undef PARLEY_NON_EMPTY
#undef PARLEY_TEXT
#undef PARLEY_URL
#undef PARLEY_BOOL
#undef PARLEY_INT
#undef PARLEY_SHOW
#undef PARLEY_SHOW_NUM

std::string flag_name(std::string_view variable) {
  std::string out = "--" + lower(variable);
  std::ranges::replace(out, '_', '-');
  return out;
}

// 32 bytes from the kernel's CSPRNG, hex-encoded: as strong as a secret an
// operator would generate with `openssl rand -hex 32`.
std::string random_secret() {
  unsigned char bytes[32];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const auto n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "getrandom");
    }
    got += static_cast<std::size_t>(n);
  }
  constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof bytes);
  for (unsigned char b : bytes) {
    out += k_hex[b >> 4];
    out += k_hex[b & 0xf];
  }
  return out;
}

// Shorter keys make HMAC-signed tokens and cookies guessable offline.
constexpr std::size_t k_min_secret_bytes = 32;

void settle_secret(std::string& secret, bool& generated, std::string_view name,
                   std::string_view consequence, std::vector<std::string>& warnings) {
  if (secret.empty()) {
    secret = random_secret();
    generated = true;
    warnings.push_back(std::string(name) + " is not set: using a random one, so " +
                       std::string(consequence) + " will not survive a restart");
  } else if (secret.size() < k_min_secret_bytes) {
    warnings.push_back(std::string(name) + " is shorter than " +
                       std::to_string(k_min_secret_bytes) +
                       " bytes; use a long random value (openssl rand -hex 32)");
  }
}

void check_oauth(const OAuthClient& client, std::string_view provider, Problems& p) {
  const std::string id = std::string(provider) + "_CLIENT_ID";
  const std::string secret = std::string(provider) + "_CLIENT_SECRET";
  if (!client.client_id.empty() && client.client_secret.empty())
    p.add(secret, "required when " + id + " is set");
  if (client.client_id.empty() && !client.client_secret.empty())
    p.add(id, "required when " + secret + " is set");
  // An endpoint override for a provider that is not configured does nothing: most
  // likely a typo in the provider's other variables, so say so.
  if (client.client_id.empty() &&
      (!client.authorize_url.empty() || !client.token_url.empty() || !client.userinfo_url.empty()))
    p.add(id, "required when " + std::string(provider) + "_OAUTH_*_URL is set");
}

// Checks that involve more than one setting. A setting that already failed keeps
// its default, so it is left out here rather than reported a second time.
void cross_check(Config& c, Problems& p) {
  check_oauth(c.github, "GITHUB", p);
  check_oauth(c.google, "GOOGLE", p);
  check_oauth(c.discord, "DISCORD", p);

  const auto& s3 = c.s3;
  if (s3.bucket.empty() &&
      (!s3.endpoint.empty() || !s3.region.empty() || !s3.access_key_id.empty() ||
       !s3.secret_access_key.empty()) &&
      !p.has("S3_ENDPOINT"))
    p.add("S3_BUCKET", "required when other S3_* variables are set");
  if (!s3.access_key_id.empty() && s3.secret_access_key.empty())
    p.add("S3_SECRET_ACCESS_KEY", "required when S3_ACCESS_KEY_ID is set");
  if (s3.access_key_id.empty() && !s3.secret_access_key.empty())
    p.add("S3_ACCESS_KEY_ID", "required when S3_SECRET_ACCESS_KEY is set");

  // A message must fit in one request body or WebSocket message, and in a
  // subscriber's queue, or it could be accepted and then never delivered.
  if (!p.has("MAX_MSG_SIZE_BYTE") && !p.has("MAX_BODY_BYTES") &&
      c.max_msg_bytes >= c.max_body_bytes)
    p.add("MAX_MSG_SIZE_BYTE", std::to_string(c.max_msg_bytes) +
                                   " must be less than MAX_BODY_BYTES (" +
                                   std::to_string(c.max_body_bytes) + ")");
  if (!p.has("MAX_MSG_SIZE_BYTE") && !p.has("MAX_QUEUE_BYTES") &&
      c.max_queue_bytes < c.max_msg_bytes)
    p.add("MAX_QUEUE_BYTES", std::to_string(c.max_queue_bytes) +
                                 " must be at least MAX_MSG_SIZE_BYTE (" +
                                 std::to_string(c.max_msg_bytes) + ")");

  if (!p.has("WS_PING_SECONDS") && !p.has("WS_PONG_TIMEOUT_SECONDS") &&
      c.ws_ping_seconds >= c.ws_pong_timeout_seconds && c.ws_pong_timeout_seconds > 1)
    p.add("WS_PING_SECONDS", std::to_string(c.ws_ping_seconds) +
                                 " must be less than WS_PONG_TIMEOUT_SECONDS (" +
                                 std::to_string(c.ws_pong_timeout_seconds) +
                                 "): the ping must go out before the peer is given up on");

  if (!c.guest_login && !c.enable_password_login && !c.github.enabled() && !c.google.enabled() &&
      !c.discord.enabled())
    c.warnings.push_back(
        "no login method is enabled (GUEST_LOGIN, ENABLE_PASSWORD_LOGIN and OAuth are all off)");
}

const std::string* lookup(const Settings& m, std::string_view name) {
  const auto it = m.find(std::string(name));
  return it == m.end() ? nullptr : &it->second;
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> problems)
    : std::runtime_error([&] {
        std::string s;
        for (const auto& p : problems) s += (s.empty() ? "" : "\n") + p;
        return s;
      }()),
      problems_(std::move(problems)) {}

int default_threads() noexcept {
  const unsigned n = std::thread::hardware_concurrency();  // 0 when unknown
  return static_cast<int>(std::clamp(n, 1u, 256u));
}

std::string default_instance_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::strcpy(host, "parley");
  std::string id;
  for (const char* p = host; *p != '\0'; ++p) {
    const char c = *p;
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    id += ok ? c : '-';
  }
  const std::string pid = "-" + std::to_string(::getpid());
  // Keep the pid whole: it is what tells two instances on one host apart.
  if (id.size() + pid.size() > 64) id.resize(64 - pid.size());
  return id + pid;
}

void add_config_options(CLI::App& app, Settings& flags) {
  for (const auto& s : settings()) {
    if (s.secret) continue;
    const std::string def = s.default_text.empty() ? s.show(Config{}) : std::string(s.default_text);
    const std::string help = std::string(s.help) + " [env " + std::string(s.name) + ", default " +
                             (def.empty() ? "empty" : def) + "]";
    const bool is_bool = s.type == "[BOOL]";
    auto* opt = app.add_option_function<std::string>(
        flag_name(s.name),
        [&flags, name = std::string(s.name), is_bool](const std::string& v) {
          // A bare boolean flag (--single-session) means true.
          flags[name] = is_bool && v.empty() ? "true" : v;
        },
        help);
    opt->type_name(std::string(s.type));
    // Repeating a flag is not an error: the last one wins, as in most tools.
    opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    if (is_bool) opt->expected(0, 1);
  }

  std::string secrets;
  for (const auto& s : settings()) {
    if (s.secret) secrets += (secrets.empty() ? "" : ", ") + std::string(s.name);
  }
  app.footer(
      "Every option can also be set by the environment variable named in brackets, or in a\n"
      ".env file in the working directory. Precedence: flag > environment > .env > default.\n"
      "Booleans accept true/false, 1/0, yes/no, on/off.\n"
      "Secrets, from the environment or .env only (never flags): " +
      secrets + ".\n");
}

Config resolve_config(const Settings& flags, const Settings& env, const Dotenv& dotenv) {
  Config c;
  Problems p;
  // Problems in the .env file come first: they may explain the ones after.
  for (const auto& e : dotenv.errors) p.list.push_back(e);

  std::vector<std::string> unused;  // media settings given, which nothing reads yet
  bool ws_ping_given = false;
  for (const auto& s : settings()) {
    const std::string* v = s.secret ? nullptr : lookup(flags, s.name);
    if (!v) v = lookup(env, s.name);
    if (!v) v = lookup(dotenv.values, s.name);
    if (v) s.apply(c, s.name, *v, p);
    if (v && !trim(*v).empty() && (s.name == "MEDIA_DIR" || s.name.starts_with("S3_")))
      unused.emplace_back(s.name);
    if (v && s.name == "WS_PING_SECONDS") ws_ping_given = true;
  }
  // Unset, the ping follows a shortened pong timeout (half of it, as before
  // WS_PING_SECONDS was read), so setting only the timeout stays valid.
  if (!ws_ping_given && c.ws_ping_seconds >= c.ws_pong_timeout_seconds)
    c.ws_ping_seconds = std::max(1, c.ws_pong_timeout_seconds / 2);
  if (!unused.empty()) {
    std::string names;
    for (const auto& n : unused) names += (names.empty() ? "" : ", ") + n;
    c.warnings.push_back(names + " set, but attachments are not supported yet: ignored");
  }
  if (c.base_url_defaulted) c.base_url = "http://localhost:" + std::to_string(c.port);
  cross_check(c, p);
  if (!p.list.empty()) throw ConfigError(std::move(p.list));

  settle_secret(c.session_secret, c.session_secret_generated, "SESSION_SECRET", "sessions",
                c.warnings);
  settle_secret(c.jwt_secret, c.jwt_secret_generated, "JWT_SECRET", "API tokens", c.warnings);
  return c;
}

Config load_config(int argc, char** argv, const Settings& env,
                   const std::filesystem::path& dotenv_path) {
  CLI::App app{"Starts the parley chat server.", argc > 0 ? argv[0] : "parley serve"};
  app.get_formatter()->column_width(36);
  Settings flags;
  add_config_options(app, flags);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success&) {
    throw HelpRequested(app.help());
  } catch (const CLI::ParseError& e) {
    throw ConfigError({e.what()});
  }
  return resolve_config(flags, env, read_dotenv(dotenv_path));
}

Settings environment_map() {
  Settings out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    // The first definition wins, as getenv() does when a name appears twice.
    out.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return out;
}

chat::Limits limits_of(const Config& config) {
  chat::Limits limits;
  limits.max_msg_bytes = config.max_msg_bytes;
  limits.max_msgs = config.max_msgs;
  limits.retention_days = config.retention_days;
  limits.send_rate_per_sec = config.send_rate_per_sec;
  limits.send_burst = config.send_burst;
  return limits;
}

std::string describe(const Config& config) {
  std::string out;
  for (const auto& s : settings()) {
    if (!out.empty()) out += ' ';
    out += s.name;
    out += '=';
    out += s.show(config);
  }
  return out;
}

}  // namespace parley::app
