#pragma once
// parley's configuration (API.md "Configuration"), read once at start-up.
//
// Promises:
// - Every setting has a default, a variable name, and (unless it is a secret) a
//   command-line flag named after the variable: PORT -> --port,
//   MAX_MSG_SIZE_BYTE -> --max-msg-size-byte. Secrets (SESSION_SECRET, JWT_SECRET,
//   *_CLIENT_SECRET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY) come only from the
//   environment or .env, never from flags, where `ps` would show them.
// - Precedence, per setting: flag > real environment > .env file > default.
// - A loaded Config is valid: every value was checked, and all problems are
//   reported together in one ConfigError, one line per bad value, e.g.
//     PORT: 'abc' is not a number between 0 and 65535
// - After loading, session_secret and jwt_secret are never empty: a missing one
//   is generated at random (and *_generated says so, with a warning in warnings).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/dotenv.hpp"
#include "chat/limits.hpp"

namespace CLI {
class App;
}

namespace parley::app {

// Variables by name, as given by the environment, a .env file or flags.
using Settings = std::map<std::string, std::string>;

// Bad configuration: what() is every problem, one per line, no trailing newline.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const noexcept { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// --help was asked for: what() is the help text, for stdout; then exit 0.
class HelpRequested : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OAuthClient {
  std::string client_id;      // <PROVIDER>_CLIENT_ID
  std::string client_secret;  // <PROVIDER>_CLIENT_SECRET (secret)
  // <PROVIDER>_OAUTH_AUTHORIZE_URL, _TOKEN_URL, _USERINFO_URL: http(s) URLs that
  // replace the provider's own endpoints (GitHub Enterprise, a test server); empty
  // means the provider's own (auth::default_endpoints).
  std::string authorize_url;
  std::string token_url;
  std::string userinfo_url;
  // Validation guarantees both or neither are set.
  bool enabled() const noexcept { return !client_id.empty(); }
};

struct S3Config {
  std::string endpoint;           // S3_ENDPOINT, http(s)://; empty: AWS default for region
  std::string bucket;             // S3_BUCKET
  std::string region;             // S3_REGION
  std::string access_key_id;      // S3_ACCESS_KEY_ID (secret)
  std::string secret_access_key;  // S3_SECRET_ACCESS_KEY (secret)
  // Media go to S3 when a bucket is set, else to media_dir.
  bool enabled() const noexcept { return !bucket.empty(); }
};

// Default for THREADS: hardware concurrency, within 1..256.
int default_threads() noexcept;
// Default for INSTANCE_ID: "<hostname>-<pid>", reduced to [A-Za-z0-9._-], at most 64 chars.
std::string default_instance_id();

struct Config {
  // --- network ---
  std::string host = "0.0.0.0";  // HOST: address to bind
  std::uint16_t port = 8080;     // PORT: 0 lets the OS pick (tests)
  // BASE_URL: public URL, no trailing slash. Defaults to http://localhost:<port>;
  // base_url_defaulted tells a server bound to port 0 it may rewrite it.
  std::string base_url = "http://localhost:8080";
  bool base_url_defaulted = true;
  // ALLOWED_ORIGINS: other origins whose pages may use the session cookie (a web
  // app served elsewhere), serialised "scheme://host[:port]".
  std::vector<std::string> allowed_origins;

  // --- storage ---
  std::string database_url =
      "sqlite://./data/parley.db";         // DATABASE_URL: sqlite:// postgres:// redis://
  std::string redis_url;                   // REDIS_URL: empty = single instance
  std::string media_dir = "./data/media";  // MEDIA_DIR
  std::string static_dir;                  // STATIC_DIR: empty = static/ beside the binary
  S3Config s3;                             // S3_*

  // --- authentication ---
  std::string session_secret;  // SESSION_SECRET (secret)
  std::string jwt_secret;      // JWT_SECRET (secret)
  bool session_secret_generated = false;
  bool jwt_secret_generated = false;
  std::int64_t jwt_expiration_seconds = 86400;  // JWT_EXPIRATION_SECONDS
  bool guest_login = true;                      // GUEST_LOGIN
  bool enable_password_login = true;            // ENABLE_PASSWORD_LOGIN
  bool open_registration = true;                // OPEN_REGISTRATION
  // ALLOW_LIST: comma-separated, entries trimmed, empty ones dropped; empty list
  // means no restriction.
  std::vector<std::string> allow_list;
  OAuthClient github;           // GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET
  OAuthClient google;           // GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET
  OAuthClient discord;          // DISCORD_CLIENT_ID / DISCORD_CLIENT_SECRET
  bool single_session = false;  // SINGLE_SESSION: a new login ends the user's other sessions

  // --- limits and retention ---
  std::size_t max_msg_bytes = 4096;       // MAX_MSG_SIZE_BYTE
  std::size_t max_allowed_conns = 10000;  // MAX_ALLOWED_CONNS: over it, new connections get 503
  std::int64_t max_msgs = 0;              // MAX_MSGS: per-room retention in events, 0 = all
  int retention_days = 0;                 // RETENTION_DAYS: 0 = keep forever

  // --- process ---
  std::string instance_id = default_instance_id();  // INSTANCE_ID
  int threads = default_threads();                  // THREADS: 1..256
  std::string log_level = "info";                   // LOG_LEVEL: one of k_log_levels
  std::string log_format = "text";                  // LOG_FORMAT: one of k_log_formats

  // --- server tunables ---
  std::size_t max_body_bytes = 1 << 20;     // MAX_BODY_BYTES: request body and WS message
  std::size_t max_header_bytes = 16 << 10;  // MAX_HEADER_BYTES
  int idle_timeout_seconds = 60;            // IDLE_TIMEOUT_SECONDS: idle keep-alive HTTP
  int sse_ping_seconds = 20;                // SSE_PING_SECONDS: < 25, under proxies' idle cut-off
  int ws_ping_seconds = 30;                 // WS_PING_SECONDS
  int ws_pong_timeout_seconds = 60;         // WS_PONG_TIMEOUT_SECONDS
  std::size_t max_queue_bytes = 4 << 20;    // MAX_QUEUE_BYTES: per-subscriber outgoing queue
  int flush_window_ms = 2;                  // FLUSH_WINDOW_MS: batching delay, 0 = none
  double send_rate_per_sec = 10;            // SEND_RATE_PER_SEC: per user, sustained
  double send_burst = 20;                   // SEND_BURST: per user
  int shutdown_grace_seconds = 5;           // SHUTDOWN_GRACE_SECONDS: drain time on SIGTERM

  // Things worth a warning at start-up (generated secrets, weak secrets). Loading
  // happens before logging exists, so the caller logs these after init_logging.
  std::vector<std::string> warnings;

  // Cookies get the Secure attribute when the public URL is https (API.md).
  bool secure_cookies() const noexcept { return base_url.starts_with("https://"); }
};

// Loads the configuration for `parley serve`: argv holds flags only (argv[0] is the
// name shown in usage), env is the process environment (environment_map()), and
// dotenv_path is read if it exists. Throws ConfigError for bad flags or values and
// HelpRequested for --help / -h.
Config load_config(int argc, char** argv, const Settings& env,
                   const std::filesystem::path& dotenv_path = ".env");

// The pieces of load_config, for a caller with its own CLI11 app (subcommands):
// add_config_options registers every flag (and a footer naming the secrets) on app;
// parsed values land in flags under their variable name. resolve_config applies
// precedence and validation to the three sources (dotenv.errors count as problems).
void add_config_options(CLI::App& app, Settings& flags);
Config resolve_config(const Settings& flags, const Settings& env, const Dotenv& dotenv);

// The process environment (environ) as a map.
Settings environment_map();

// The domain's limits as configured.
chat::Limits limits_of(const Config& config);

// Every setting as NAME=value on one line, secrets shown only as set/generated/empty:
// the configuration line to log at start-up.
std::string describe(const Config& config);

}  // namespace parley::app
