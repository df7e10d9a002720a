#include "app/config.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstring>
#include <string_view>
#include <thread>

#include "app/config_parsers.hpp"
#include "app/secrets.hpp"
#include "app/settings_table.hpp"

extern char** environ;

namespace parley::app {
namespace {

std::string flag_name(std::string_view variable) {
  std::string out = "--" + lower(variable);
  std::ranges::replace(out, '_', '-');
  return out;
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

  settle_secrets(c);
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
