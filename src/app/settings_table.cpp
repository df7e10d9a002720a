#include "app/settings_table.hpp"

#include <cstdint>

#include "app/logging.hpp"
#include "app/secrets.hpp"
#include "auth/origin.hpp"

namespace parley::app {
namespace {

std::string yes_no(bool b) {
  return b ? "true" : "false";
}

constexpr std::int64_t k_mib = 1 << 20;

}  // namespace

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
         std::vector<std::string> origins;
         for (const auto& entry : comma_list(v)) {
           auto origin = auth::origin_of_header(entry);
           if (origin.empty()) {
             p.add(n, in_quotes(entry) + " is not an origin (scheme://host[:port], no path)");
             return;
           }
           origins.push_back(std::move(origin));
         }
         c.allowed_origins = std::move(origins);
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

}  // namespace parley::app
