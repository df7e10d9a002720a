#include "app/config.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace parley::app {
namespace {

// Runs load_config as `parley <args...>` with env and a .env file holding dotenv
// (none when empty), in a file of its own so tests stay independent.
Config load(std::vector<std::string> args, const Settings& env = {},
            const std::string& dotenv = {}) {
  const auto path = std::filesystem::path(testing::TempDir()) /
                    ("config_test_" + std::to_string(::getpid()) + ".env");
  std::filesystem::remove(path);
  if (!dotenv.empty()) std::ofstream(path) << dotenv;
  args.insert(args.begin(), "parley");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() { std::filesystem::remove(p); }
  } cleanup{path};
  return load_config(static_cast<int>(args.size()), argv.data(), env, path);
}

// The problems load() reports; fails the test if it loads.
std::vector<std::string> problems(std::vector<std::string> args, const Settings& env = {},
                                  const std::string& dotenv = {}) {
  try {
    load(std::move(args), env, dotenv);
  } catch (const ConfigError& e) {
    return e.problems();
  }
  ADD_FAILURE() << "configuration was accepted";
  return {};
}

std::string only_problem(const Settings& env) {
  const auto p = problems({}, env);
  EXPECT_EQ(p.size(), 1u);
  return p.empty() ? std::string() : p.front();
}

bool mentions(const std::vector<std::string>& lines, std::string_view needle) {
  for (const auto& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(Config, defaults_follow_api_md) {
  const auto c = load({});
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.base_url, "http://localhost:8080");
  EXPECT_TRUE(c.base_url_defaulted);
  EXPECT_EQ(c.database_url, "sqlite://./data/parley.db");
  EXPECT_EQ(c.redis_url, "");
  EXPECT_EQ(c.jwt_expiration_seconds, 86400);
  EXPECT_TRUE(c.guest_login);
  EXPECT_TRUE(c.enable_password_login);
  EXPECT_TRUE(c.open_registration);
  EXPECT_TRUE(c.allow_list.empty());
  EXPECT_FALSE(c.github.enabled());
  EXPECT_FALSE(c.s3.enabled());
  EXPECT_EQ(c.media_dir, "./data/media");
  EXPECT_EQ(c.max_msg_bytes, 4096u);
  EXPECT_EQ(c.max_allowed_conns, 10000u);
  EXPECT_EQ(c.max_msgs, 0);
  EXPECT_EQ(c.retention_days, 0);
  EXPECT_FALSE(c.single_session);
  EXPECT_EQ(c.instance_id, default_instance_id());
  EXPECT_EQ(c.threads, default_threads());
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.max_body_bytes, 1u << 20);
  EXPECT_EQ(c.max_header_bytes, 16u << 10);
  EXPECT_EQ(c.idle_timeout_seconds, 60);
  EXPECT_EQ(c.sse_ping_seconds, 20);
  EXPECT_EQ(c.ws_ping_seconds, 30);
  EXPECT_EQ(c.ws_pong_timeout_seconds, 60);
  EXPECT_EQ(c.max_queue_bytes, 4u << 20);
  EXPECT_EQ(c.flush_window_ms, 2);
  EXPECT_EQ(c.send_rate_per_sec, 10);
  EXPECT_EQ(c.send_burst, 20);
  EXPECT_EQ(c.shutdown_grace_seconds, 5);
  EXPECT_FALSE(c.secure_cookies());
}

TEST(Config, missing_secrets_are_generated_with_a_warning) {
  const auto c = load({});
  EXPECT_TRUE(c.jwt_secret_generated);
  EXPECT_TRUE(c.session_secret_generated);
  EXPECT_EQ(c.jwt_secret.size(), 64u);
  EXPECT_EQ(c.session_secret.size(), 64u);
  EXPECT_NE(c.jwt_secret, c.session_secret);
  EXPECT_NE(c.jwt_secret, load({}).jwt_secret);
  EXPECT_TRUE(mentions(c.warnings, "JWT_SECRET is not set"));
  EXPECT_TRUE(mentions(c.warnings, "SESSION_SECRET is not set"));
}

TEST(Config, given_secrets_are_kept_and_short_ones_warned_about) {
  const std::string long_secret(40, 'k');
  const auto c = load({}, {{"JWT_SECRET", long_secret}, {"SESSION_SECRET", "short"}});
  EXPECT_EQ(c.jwt_secret, long_secret);
  EXPECT_FALSE(c.jwt_secret_generated);
  EXPECT_EQ(c.session_secret, "short");
  EXPECT_FALSE(c.session_secret_generated);
  EXPECT_TRUE(mentions(c.warnings, "SESSION_SECRET is shorter than 32 bytes"));
  EXPECT_FALSE(mentions(c.warnings, "JWT_SECRET"));
}

TEST(Config, precedence_is_flag_then_environment_then_dotenv_then_default) {
  const auto c = load({"--port", "1111"}, {{"PORT", "2222"}, {"THREADS", "3"}},
                      "PORT=3333\nTHREADS=4\nLOG_LEVEL=debug\n");
  EXPECT_EQ(c.port, 1111);                 // flag over environment and .env
  EXPECT_EQ(c.threads, 3);                 // environment over .env
  EXPECT_EQ(c.log_level, "debug");         // .env over default
  EXPECT_EQ(c.max_queue_bytes, 4u << 20);  // default
  EXPECT_EQ(c.base_url, "http://localhost:1111");
}

TEST(Config, secrets_come_from_environment_over_dotenv_and_never_from_flags) {
  const std::string env_secret(32, 'e');
  const std::string file_secret(32, 'f');
  const auto c = load({}, {{"JWT_SECRET", env_secret}},
                      "JWT_SECRET=" + file_secret + "\nSESSION_SECRET=" + file_secret + "\n");
  EXPECT_EQ(c.jwt_secret, env_secret);
  EXPECT_EQ(c.session_secret, file_secret);

  const auto p = problems({"--jwt-secret", env_secret});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p[0].find("--jwt-secret"), std::string::npos) << p[0];
}

TEST(Config, port_zero_is_allowed_for_tests) {
  const auto c = load({"--port=0"});
  EXPECT_EQ(c.port, 0);
}

TEST(Config, base_url_given_is_kept_without_trailing_slash) {
  const auto c = load({"--base-url", "https://chat.example.com/"});
  EXPECT_EQ(c.base_url, "https://chat.example.com");
  EXPECT_FALSE(c.base_url_defaulted);
  EXPECT_TRUE(c.secure_cookies());
}

TEST(Config, every_bad_value_gets_one_clear_message) {
  struct Case {
    std::string name, value, message;
  };
  const std::vector<Case> cases = {
      {"PORT", "abc", "PORT: 'abc' is not a number between 0 and 65535"},
      {"PORT", "65536", "PORT: '65536' is not a number between 0 and 65535"},
      {"PORT", "-1", "PORT: '-1' is not a number between 0 and 65535"},
      {"PORT", "80x", "PORT: '80x' is not a number between 0 and 65535"},
      {"PORT", "", "PORT: '' is not a number between 0 and 65535"},
      {"THREADS", "0", "THREADS: '0' is not a number between 1 and 256"},
      {"THREADS", "257", "THREADS: '257' is not a number between 1 and 256"},
      {"LOG_LEVEL", "verbose",
       "LOG_LEVEL: 'verbose' is not one of trace, debug, info, warn, error, off"},
      {"LOG_FORMAT", "logfmt", "LOG_FORMAT: 'logfmt' is not one of text, json"},
      {"GUEST_LOGIN", "maybe",
       "GUEST_LOGIN: 'maybe' is not a boolean (true/false, 1/0, yes/no, on/off)"},
      {"SINGLE_SESSION", "2",
       "SINGLE_SESSION: '2' is not a boolean (true/false, 1/0, yes/no, on/off)"},
      {"SSE_PING_SECONDS", "25",
       "SSE_PING_SECONDS: '25' is not a number between 1 and 24 (proxies drop streams idle for 25 "
       "s "
       "or more)"},
      {"JWT_EXPIRATION_SECONDS", "0",
       "JWT_EXPIRATION_SECONDS: '0' is not a number between 1 and 315360000"},
      {"MAX_ALLOWED_CONNS", "0", "MAX_ALLOWED_CONNS: '0' is not a number between 1 and 10000000"},
      {"MAX_MSGS", "-5", "MAX_MSGS: '-5' is not a number between 0 and 1000000000000"},
      {"RETENTION_DAYS", "x", "RETENTION_DAYS: 'x' is not a number between 0 and 36500"},
      {"FLUSH_WINDOW_MS", "1001", "FLUSH_WINDOW_MS: '1001' is not a number between 0 and 1000"},
      {"SEND_RATE_PER_SEC", "0",
       "SEND_RATE_PER_SEC: '0' is not a number between 0.001 and 1000000"},
      {"SEND_RATE_PER_SEC", "nan",
       "SEND_RATE_PER_SEC: 'nan' is not a number between 0.001 and 1000000"},
      {"SEND_BURST", "0.5", "SEND_BURST: '0.5' is not a number between 1 and 1000000"},
      {"MAX_BODY_BYTES", "10", "MAX_BODY_BYTES: '10' is not a number between 1024 and 1073741824"},
      {"MAX_HEADER_BYTES", "1k", "MAX_HEADER_BYTES: '1k' is not a number between 1024 and 1048576"},
      {"SHUTDOWN_GRACE_SECONDS", "-1",
       "SHUTDOWN_GRACE_SECONDS: '-1' is not a number between 0 and 3600"},
      {"DATABASE_URL", "mysql://db", "DATABASE_URL: 'mysql://db' must start with sqlite://"},
      {"DATABASE_URL", "", "DATABASE_URL: must not be empty"},
      {"DATABASE_URL", "sqlite://", "DATABASE_URL: 'sqlite://' names no database file"},
      {"REDIS_URL", "localhost:6379",
       "REDIS_URL: 'localhost:6379' must start with redis:// or rediss://"},
      {"BASE_URL", "chat.example.com",
       "BASE_URL: 'chat.example.com' is not an http:// or https:// URL with a host"},
      {"BASE_URL", "https://",
       "BASE_URL: 'https://' is not an http:// or https:// URL with a host"},
      {"HOST", " ", "HOST: must not be empty"},
      {"MEDIA_DIR", "", "MEDIA_DIR: must not be empty"},
      {"INSTANCE_ID", "a b",
       "INSTANCE_ID: 'a b' is not 1 to 64 of letters, digits, '.', '_' and '-'"},
      {"GITHUB_CLIENT_ID", "id", "GITHUB_CLIENT_SECRET: required when GITHUB_CLIENT_ID is set"},
      {"DISCORD_CLIENT_SECRET", "s",
       "DISCORD_CLIENT_ID: required when DISCORD_CLIENT_SECRET is set"},
      {"GITHUB_OAUTH_TOKEN_URL", "ftp://x",
       "GITHUB_OAUTH_TOKEN_URL: 'ftp://x' is not an http:// or https:// URL with a host"},
      {"GOOGLE_OAUTH_USERINFO_URL", "http://127.0.0.1:9/userinfo",
       "GOOGLE_CLIENT_ID: required when GOOGLE_OAUTH_*_URL is set"},
      {"S3_REGION", "eu-west-1", "S3_BUCKET: required when other S3_* variables are set"},
      {"MAX_MSG_SIZE_BYTE", "2000000",
       "MAX_MSG_SIZE_BYTE: 2000000 must be less than MAX_BODY_BYTES (1048576)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name + "=" + c.value);
    EXPECT_EQ(only_problem({{c.name, c.value}}), c.message);
  }
}

TEST(Config, messages_quote_hostile_values_on_one_line) {
  const auto p = only_problem({{"PORT", "1\n2" + std::string(100, 'x')}});
  EXPECT_EQ(p.find('\n'), std::string::npos);
  EXPECT_NE(p.find("'1\\x0a2xxx"), std::string::npos) << p;
  EXPECT_NE(p.find("...'"), std::string::npos) << p;
}

TEST(Config, all_problems_are_collected_into_one_error) {
  try {
    load({"--threads", "0"}, {{"PORT", "abc"}, {"GUEST_LOGIN", "perhaps"}},
         "LOG_LEVEL=loud\nnot an assignment\n");
    FAIL() << "configuration was accepted";
  } catch (const ConfigError& e) {
    const auto& p = e.problems();
    ASSERT_EQ(p.size(), 5u) << e.what();
    // .env syntax first, then the settings in table order.
    EXPECT_NE(p[0].find(":2: expected KEY=VALUE"), std::string::npos) << p[0];
    EXPECT_EQ(p[1].rfind("PORT: 'abc'", 0), 0u) << p[1];
    EXPECT_EQ(p[2], "GUEST_LOGIN: 'perhaps' is not a boolean (true/false, 1/0, yes/no, on/off)");
    EXPECT_EQ(p[3].rfind("THREADS: '0'", 0), 0u) << p[3];
    EXPECT_EQ(p[4].rfind("LOG_LEVEL: 'loud'", 0), 0u) << p[4];
    const std::string what = e.what();
    for (const auto& line : p) EXPECT_NE(what.find(line), std::string::npos);
    EXPECT_EQ(std::count(what.begin(), what.end(), '\n'), 4);
  }
}

TEST(Config, cross_checks_skip_values_already_reported) {
  // MAX_BODY_BYTES is bad, so comparing it with MAX_MSG_SIZE_BYTE would only
  // repeat the problem.
  const auto p = problems({}, {{"MAX_BODY_BYTES", "huge"}, {"MAX_MSG_SIZE_BYTE", "2000000"}});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].rfind("MAX_BODY_BYTES:", 0), 0u);
}

TEST(Config, queue_must_hold_one_message) {
  EXPECT_EQ(only_problem({{"MAX_QUEUE_BYTES", "2048"}}),
            "MAX_QUEUE_BYTES: 2048 must be at least MAX_MSG_SIZE_BYTE (4096)");
}

TEST(Config, booleans_accept_common_spellings_in_any_case) {
  for (const std::string t : {"true", "TRUE", "1", "yes", "Yes", "on", "ON", " true "}) {
    SCOPED_TRACE(t);
    EXPECT_TRUE(load({}, {{"SINGLE_SESSION", t}}).single_session);
  }
  for (const std::string f : {"false", "False", "0", "no", "NO", "off", "Off"}) {
    SCOPED_TRACE(f);
    EXPECT_FALSE(load({}, {{"GUEST_LOGIN", f}}).guest_login);
  }
}

TEST(Config, boolean_flags_may_be_bare_or_take_a_value) {
  EXPECT_TRUE(load({"--single-session"}).single_session);
  EXPECT_FALSE(load({"--guest-login=no"}).guest_login);
  EXPECT_FALSE(load({"--open-registration", "off"}).open_registration);
  EXPECT_TRUE(load({"--guest-login"}, {{"GUEST_LOGIN", "false"}}).guest_login);
}

TEST(Config, log_level_is_case_insensitive_and_stored_lower_case) {
  EXPECT_EQ(load({"--log-level", "WARN"}).log_level, "warn");
  EXPECT_EQ(load({}, {{"LOG_LEVEL", "off"}}).log_level, "off");
}

TEST(Config, log_format_defaults_to_text_and_takes_json_in_any_case) {
  EXPECT_EQ(load({}).log_format, "text");
  EXPECT_EQ(load({"--log-format", "JSON"}).log_format, "json");
  EXPECT_EQ(load({}, {{"LOG_FORMAT", "text"}}).log_format, "text");
}

TEST(Config, allow_list_is_split_on_commas_and_trimmed) {
  const auto c = load({}, {{"ALLOW_LIST", " alice, bob ,,carol@example.com ,"}});
  EXPECT_EQ(c.allow_list, (std::vector<std::string>{"alice", "bob", "carol@example.com"}));
}

TEST(Config, allowed_origins_are_serialised_and_a_bad_entry_is_named) {
  const auto c =
      load({}, {{"ALLOWED_ORIGINS", "https://App.example.com:443, http://localhost:3000"}});
  EXPECT_EQ(c.allowed_origins,
            (std::vector<std::string>{"https://app.example.com", "http://localhost:3000"}));
  EXPECT_TRUE(load({}, {}).allowed_origins.empty());
  EXPECT_EQ(load({}, {{"ALLOWED_ORIGINS", " https://App.example.com , http://localhost:3000,, "}})
                .allowed_origins,
            (std::vector<std::string>{"https://app.example.com", "http://localhost:3000"}));
  EXPECT_EQ(only_problem({{"ALLOWED_ORIGINS", "app.example.com"}}),
            "ALLOWED_ORIGINS: 'app.example.com' is not an origin (scheme://host[:port], no path)");
  EXPECT_EQ(
      only_problem({{"ALLOWED_ORIGINS", "https://app.example.com,https://other.example.com/path"}}),
      "ALLOWED_ORIGINS: 'https://other.example.com/path' is not an origin "
      "(scheme://host[:port], no path)");
  EXPECT_EQ(only_problem({{"ALLOWED_ORIGINS", "https://app.example.com/chat"}}),
            "ALLOWED_ORIGINS: 'https://app.example.com/chat' is not an origin "
            "(scheme://host[:port], no path)");
}

TEST(Config, oauth_and_s3_are_enabled_when_complete) {
  const auto c = load({}, {{"GOOGLE_CLIENT_ID", "gid"},
                           {"GOOGLE_CLIENT_SECRET", "gsecret"},
                           {"S3_BUCKET", "media"},
                           {"S3_ENDPOINT", "https://s3.example.com/"},
                           {"S3_ACCESS_KEY_ID", "AK"},
                           {"S3_SECRET_ACCESS_KEY", "SK"}});
  EXPECT_TRUE(c.google.enabled());
  EXPECT_EQ(c.google.client_secret, "gsecret");
  EXPECT_FALSE(c.github.enabled());
  EXPECT_TRUE(c.s3.enabled());
  EXPECT_EQ(c.s3.endpoint, "https://s3.example.com");
  EXPECT_EQ(c.s3.access_key_id, "AK");
}

TEST(Config, oauth_endpoints_default_to_the_providers_and_may_be_overridden) {
  const auto c =
      load({}, {{"GITHUB_CLIENT_ID", "id"},
                {"GITHUB_CLIENT_SECRET", "s"},
                {"GITHUB_OAUTH_AUTHORIZE_URL", "http://127.0.0.1:4000/authorize/"},
                {"GITHUB_OAUTH_TOKEN_URL", " https://ghe.example.com/login/oauth/access_token"},
                {"GITHUB_OAUTH_USERINFO_URL", "https://ghe.example.com/api/v3/user"}});
  EXPECT_EQ(c.github.authorize_url, "http://127.0.0.1:4000/authorize");
  EXPECT_EQ(c.github.token_url, "https://ghe.example.com/login/oauth/access_token");
  EXPECT_EQ(c.github.userinfo_url, "https://ghe.example.com/api/v3/user");
  EXPECT_TRUE(c.google.authorize_url.empty());  // empty: the provider's own
}

TEST(Config, no_login_method_is_a_warning) {
  const auto c = load({}, {{"GUEST_LOGIN", "0"}, {"ENABLE_PASSWORD_LOGIN", "0"}});
  EXPECT_TRUE(mentions(c.warnings, "no login method is enabled"));
}

TEST(Config, instance_id_defaults_to_host_and_pid) {
  const auto id = default_instance_id();
  EXPECT_TRUE(id.ends_with("-" + std::to_string(::getpid()))) << id;
  EXPECT_LE(id.size(), 64u);
  EXPECT_EQ(load({"--instance-id", "node-1"}).instance_id, "node-1");
}

TEST(Config, unknown_flags_and_missing_values_are_errors) {
  EXPECT_EQ(problems({"--prot", "1"}).size(), 1u);
  EXPECT_EQ(problems({"--port"}).size(), 1u);
  EXPECT_EQ(problems({"serve"}).size(), 1u);
}

TEST(Config, help_lists_every_option_and_every_secret) {
  std::string help;
  try {
    load({"--help"});
    FAIL() << "no help";
  } catch (const HelpRequested& h) {
    help = h.what();
  }
  // Every variable of API.md's Configuration list and every server tunable.
  const std::vector<std::string> flags = {"--port",
                                          "--host",
                                          "--base-url",
                                          "--database-url",
                                          "--redis-url",
                                          "--jwt-expiration-seconds",
                                          "--guest-login",
                                          "--enable-password-login",
                                          "--open-registration",
                                          "--allow-list",
                                          "--github-client-id",
                                          "--google-client-id",
                                          "--discord-client-id",
                                          "--s3-endpoint",
                                          "--s3-bucket",
                                          "--s3-region",
                                          "--media-dir",
                                          "--max-msg-size-byte",
                                          "--max-allowed-conns",
                                          "--max-msgs",
                                          "--retention-days",
                                          "--single-session",
                                          "--instance-id",
                                          "--threads",
                                          "--log-level",
                                          "--max-body-bytes",
                                          "--max-header-bytes",
                                          "--idle-timeout-seconds",
                                          "--sse-ping-seconds",
                                          "--ws-ping-seconds",
                                          "--ws-pong-timeout-seconds",
                                          "--max-queue-bytes",
                                          "--flush-window-ms",
                                          "--send-rate-per-sec",
                                          "--send-burst",
                                          "--shutdown-grace-seconds"};
  for (const auto& f : flags) EXPECT_NE(help.find(f + " "), std::string::npos) << f;
  for (const auto* s :
       {"SESSION_SECRET", "JWT_SECRET", "GITHUB_CLIENT_SECRET", "GOOGLE_CLIENT_SECRET",
        "DISCORD_CLIENT_SECRET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"}) {
    EXPECT_NE(help.find(s), std::string::npos) << s;
  }
  EXPECT_EQ(help.find("--jwt-secret"), std::string::npos);
  EXPECT_NE(help.find("[env PORT, default 8080]"), std::string::npos) << help;
}

// Settings API.md names that this build does not implement are refused (exit 2)
// or warned about at start-up, never silently ignored.
TEST(Config, postgres_and_redis_stores_are_refused_until_they_exist) {
  for (const char* url : {"postgres://parley:hunter2@db:5432/parley", "postgresql://db/parley",
                          "redis://:hunter2@cache:6379", "rediss://cache:6380"}) {
    const auto p = only_problem({{"DATABASE_URL", url}});
    EXPECT_TRUE(p.starts_with("DATABASE_URL: ")) << p;
    EXPECT_NE(p.find("this build supports sqlite:// only for now"), std::string::npos) << p;
    EXPECT_EQ(p.find("hunter2"), std::string::npos) << "the password stays out of messages: " << p;
  }
  EXPECT_EQ(load({}, {{"DATABASE_URL", "sqlite://./x.db"}}).database_url, "sqlite://./x.db");
}

TEST(Config, redis_url_is_refused_until_the_multi_instance_bus_exists) {
  const auto p = only_problem({{"REDIS_URL", "redis://cache:6379"}});
  EXPECT_TRUE(p.starts_with("REDIS_URL: ")) << p;
  EXPECT_NE(p.find("multi-instance event bus (Redis) is not implemented yet"), std::string::npos)
      << p;
  EXPECT_EQ(load({}, {{"REDIS_URL", " "}}).redis_url, "") << "empty still means one instance";
}

TEST(Config, media_settings_are_warned_about_not_ignored_silently) {
  const auto quiet =
      load({}, {{"JWT_SECRET", std::string(40, 's')}, {"SESSION_SECRET", std::string(40, 't')}});
  EXPECT_TRUE(quiet.warnings.empty()) << quiet.warnings.front();

  const auto c = load({"--media-dir", "/srv/media"}, {{"JWT_SECRET", std::string(40, 's')},
                                                      {"SESSION_SECRET", std::string(40, 't')},
                                                      {"S3_BUCKET", "media"},
                                                      {"S3_REGION", "eu-west-1"}});
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings.front(),
            "MEDIA_DIR, S3_BUCKET, S3_REGION set, but attachments are not supported yet: ignored");
}

TEST(Config, ws_ping_must_come_before_the_pong_timeout) {
  const auto c = load({}, {{"WS_PING_SECONDS", "5"}, {"WS_PONG_TIMEOUT_SECONDS", "12"}});
  EXPECT_EQ(c.ws_ping_seconds, 5);
  EXPECT_EQ(c.ws_pong_timeout_seconds, 12);
  EXPECT_EQ(only_problem({{"WS_PING_SECONDS", "60"}}),
            "WS_PING_SECONDS: 60 must be less than WS_PONG_TIMEOUT_SECONDS (60): the ping must go "
            "out before the peer is given up on");
  EXPECT_TRUE(mentions(problems({}, {{"WS_PING_SECONDS", "10"}, {"WS_PONG_TIMEOUT_SECONDS", "4"}}),
                       "WS_PING_SECONDS: 10 must be less than WS_PONG_TIMEOUT_SECONDS (4)"));
  // Only the timeout given: the ping comes at half of it.
  EXPECT_EQ(load({}, {{"WS_PONG_TIMEOUT_SECONDS", "8"}}).ws_ping_seconds, 4);
  EXPECT_EQ(load({}, {{"WS_PONG_TIMEOUT_SECONDS", "100"}}).ws_ping_seconds, 30);
}

TEST(Config, help_does_not_promise_what_is_not_there) {
  std::string help;
  try {
    load({"--help"});
  } catch (const HelpRequested& h) {
    help = h.what();
  }
  EXPECT_NE(help.find("sqlite://PATH (postgres://, redis://: not supported yet)"),
            std::string::npos)
      << help;
  EXPECT_NE(help.find("Must be empty: events across instances are not implemented yet"),
            std::string::npos);
  EXPECT_NE(help.find("attachments are not supported yet"), std::string::npos);
  EXPECT_EQ(help.find("postgres://... or redis://..."), std::string::npos);
}

TEST(Config, limits_carry_the_configured_values) {
  const auto c = load({}, {{"MAX_MSG_SIZE_BYTE", "100"},
                           {"MAX_MSGS", "500"},
                           {"RETENTION_DAYS", "30"},
                           {"SEND_RATE_PER_SEC", "2.5"},
                           {"SEND_BURST", "7"}});
  const auto l = limits_of(c);
  EXPECT_EQ(l.max_msg_bytes, 100u);
  EXPECT_EQ(l.max_msgs, 500);
  EXPECT_EQ(l.retention_days, 30);
  EXPECT_EQ(l.send_rate_per_sec, 2.5);
  EXPECT_EQ(l.send_burst, 7);
}

TEST(Config, describe_shows_settings_but_never_secrets) {
  const std::string secret(40, 's');
  const auto c = load({}, {{"JWT_SECRET", secret}});
  const auto d = describe(c);
  EXPECT_NE(d.find("PORT=8080"), std::string::npos) << d;
  EXPECT_NE(d.find("JWT_SECRET=<set>"), std::string::npos) << d;
  EXPECT_NE(d.find("SESSION_SECRET=<generated>"), std::string::npos) << d;
  EXPECT_EQ(d.find(secret), std::string::npos);
  EXPECT_EQ(d.find(c.session_secret), std::string::npos);
}

TEST(Config, environment_map_reads_the_process_environment) {
  ASSERT_EQ(::setenv("PARLEY_CONFIG_TEST_VAR", "a=b", 1), 0);
  const auto env = environment_map();
  ::unsetenv("PARLEY_CONFIG_TEST_VAR");
  ASSERT_TRUE(env.contains("PARLEY_CONFIG_TEST_VAR"));
  EXPECT_EQ(env.at("PARLEY_CONFIG_TEST_VAR"), "a=b");
}

}  // namespace
}  // namespace parley::app
