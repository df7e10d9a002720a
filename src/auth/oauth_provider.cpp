#include "auth/oauth_provider.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace parley::auth {

namespace json = boost::json;

namespace {

// Percent-encodes everything but RFC 3986's unreserved characters: right for a
// query parameter and for a form body alike.
std::string encoded(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

void add_param(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty()) out += '&';
  out += name;
  out += '=';
  out += encoded(value);
}

std::optional<json::object> parse_object(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Ids are numbers at GitHub and strings elsewhere; both become the same text.
std::string id_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  return {};
}

bool is_login_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// Keeps login characters, turns runs of anything else into one '-', and trims
// separators at the ends ("Ada Lovelace" -> "Ada-Lovelace").
std::string reduce_to_login(std::string_view s, std::size_t max_chars) {
  std::string out;
  bool gap = false;
  for (char c : s) {
    if (is_login_char(c)) {
      if (gap && !out.empty()) out += '-';
      gap = false;
      out += c;
    } else {
      gap = true;
    }
    if (out.size() >= max_chars) break;
  }
  if (out.size() > max_chars) out.resize(max_chars);
  while (!out.empty() && (out.back() == '-' || out.back() == '.')) out.pop_back();
  return out;
}

}  // namespace

std::optional<OAuthEndpoints> default_endpoints(std::string_view name) {
  if (name == "github") {
    return OAuthEndpoints{"https://github.com/login/oauth/authorize",
                          "https://github.com/login/oauth/access_token",
                          "https://api.github.com/user"};
  }
  if (name == "google") {
    return OAuthEndpoints{"https://accounts.google.com/o/oauth2/v2/auth",
                          "https://oauth2.googleapis.com/token",
                          "https://openidconnect.googleapis.com/v1/userinfo"};
  }
  if (name == "discord") {
    return OAuthEndpoints{"https://discord.com/oauth2/authorize",
                          "https://discord.com/api/oauth2/token",
                          "https://discord.com/api/users/@me"};
  }
  return std::nullopt;
}

std::optional<OAuthProvider> known_provider(std::string_view name) {
  auto endpoints = default_endpoints(name);
  if (!endpoints) return std::nullopt;
  OAuthProvider p;
  p.name = std::string(name);
  p.endpoints = std::move(*endpoints);
  // Scopes: the least that names the user. GitHub's default (no scope) already
  // grants public profile data. PKCE where the provider documents it; Discord does
  // not, and an unexpected code_verifier must not fail its token request.
  if (name == "github") {
    p.label = "GitHub";
    p.scope = "read:user";
    p.pkce = true;
  } else if (name == "google") {
    p.label = "Google";
    p.scope = "openid profile email";
    p.pkce = true;
  } else {
    p.label = "Discord";
    p.scope = "identify";
    p.pkce = false;
  }
  return p;
}

std::string authorize_url(const OAuthProvider& p, std::string_view redirect_uri,
                          std::string_view state, std::string_view code_challenge) {
  std::string query;
  add_param(query, "response_type", "code");
  add_param(query, "client_id", p.client_id);
  add_param(query, "redirect_uri", redirect_uri);
  add_param(query, "scope", p.scope);
  add_param(query, "state", state);
  if (p.pkce) {
    add_param(query, "code_challenge", code_challenge);
    add_param(query, "code_challenge_method", "S256");
  }
  const std::string& base = p.endpoints.authorize_url;
  return base + (base.find('?') == std::string::npos ? '?' : '&') + query;
}

std::string token_request_body(const OAuthProvider& p, std::string_view code,
                               std::string_view redirect_uri, std::string_view code_verifier) {
  // Client credentials in the body (client_secret_post): all three providers take it.
  std::string body;
  add_param(body, "grant_type", "authorization_code");
  add_param(body, "code", code);
  add_param(body, "redirect_uri", redirect_uri);
  add_param(body, "client_id", p.client_id);
  add_param(body, "client_secret", p.client_secret);
  if (p.pkce) add_param(body, "code_verifier", code_verifier);
  return body;
}

chat::Result<std::string> parse_token_response(std::string_view body) {
  auto o = parse_object(body);
  if (!o) return chat::fail(chat::ErrorKind::invalid, "the answer is not a JSON object");
  if (std::string error = text_of(*o, "error"); !error.empty()) {
    // The error code is the provider's vocabulary (bad_verification_code,
    // invalid_grant): useful in a log, and never secret. It is cut and reduced in
    // case a provider puts something else there.
    return chat::fail(chat::ErrorKind::bad_request,
                      "the provider refused the code: " + reduce_to_login(error, 64));
  }
  std::string token = text_of(*o, "access_token");
  if (token.empty()) return chat::fail(chat::ErrorKind::invalid, "the answer has no access_token");
  return token;
}

chat::Result<OAuthProfile> parse_profile(std::string_view name, std::string_view body) {
  auto o = parse_object(body);
  if (!o) return chat::fail(chat::ErrorKind::invalid, "the user info is not a JSON object");
  OAuthProfile p;
  if (name == "github") {
    p.subject = id_of(*o, "id");
    p.login = text_of(*o, "login");
    p.login_unique = true;
    p.name = text_of(*o, "name");
    p.email = text_of(*o, "email");
    p.avatar_url = text_of(*o, "avatar_url");
  } else if (name == "discord") {
    p.subject = id_of(*o, "id");
    p.login = text_of(*o, "username");
    p.login_unique = true;
    p.name = text_of(*o, "global_name");
    p.email = text_of(*o, "email");
    const json::value* verified = o->if_contains("verified");
    p.email_verified = verified && verified->is_bool() && verified->as_bool();
    // Discord gives an image hash; the picture is on its CDN (ids and hashes are
    // [0-9a-z_], so they need no escaping).
    if (std::string hash = text_of(*o, "avatar"); !hash.empty() && !p.subject.empty()) {
      p.avatar_url = "https://cdn.discordapp.com/avatars/" + p.subject + "/" + hash + ".png";
    }
  } else {  // OpenID Connect (Google)
    p.subject = id_of(*o, "sub");
    p.login = text_of(*o, "preferred_username");
    p.name = text_of(*o, "name");
    p.email = text_of(*o, "email");
    const json::value* verified = o->if_contains("email_verified");
    p.email_verified = verified && ((verified->is_bool() && verified->as_bool()) ||
                                    (verified->is_string() && verified->as_string() == "true"));
    p.avatar_url = text_of(*o, "picture");
  }
  if (p.subject.empty()) {
    return chat::fail(chat::ErrorKind::invalid, "the user info has no user id");
  }
  // Only https pictures: an avatar URL ends up in every page that shows the user.
  if (!p.avatar_url.starts_with("https://")) p.avatar_url.clear();
  return p;
}

std::string username_for(const OAuthProfile& profile, const chat::Limits& limits,
                         std::size_t max_chars) {
  const std::string_view local_part =
      std::string_view(profile.email).substr(0, profile.email.find('@'));
  for (std::string_view candidate :
       {std::string_view(profile.login), local_part, std::string_view(profile.name)}) {
    std::string name = reduce_to_login(candidate, max_chars);
    if (name.size() >= limits.min_username) return name;
  }
  return "user";
}

}  // namespace parley::auth
