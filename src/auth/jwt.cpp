#include "auth/jwt.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <boost/json.hpp>
#include <limits>
#include <optional>
#include <stdexcept>

#include "auth/base64url.hpp"
#include "auth/tokens.hpp"

namespace parley::auth {

namespace json = boost::json;

namespace {

// The only header this signer writes or accepts, pre-encoded once.
constexpr std::string_view k_header_json = R"({"alg":"HS256","typ":"JWT"})";

// Our tokens are a few hundred bytes; refusing anything far longer bounds the work an
// unauthenticated request can cause (decoding, hashing, JSON parsing).
constexpr std::size_t k_max_token_size = 4096;

constexpr std::size_t k_sig_size = 32;  // SHA-256

using Signature = std::array<unsigned char, k_sig_size>;

Signature hmac_sha256(std::string_view key, std::string_view data) {
  Signature sig{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), sig.data(),
           &len) == nullptr ||
      len != sig.size()) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return sig;
}

chat::Result<Claims> invalid() {
  return chat::fail(chat::ErrorKind::unauthorized, "invalid token");
}

// The object held by the base64url JSON text `part`, if it is one.
std::optional<json::object> decode_object(std::string_view part) {
  const std::optional<std::string> text = base64url_decode(part);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::value value = json::parse(*text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

std::optional<std::string> string_field(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

// Integers only: 1.5 or 1e9 are not valid times in our tokens.
std::optional<std::int64_t> int_field(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= std::numeric_limits<std::int64_t>::max()) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

bool header_is_hs256(const json::object& header) {
  // "crit" names extensions the verifier must understand (RFC 7515 §4.1.11); we
  // understand none, so a token that has it is not for us.
  if (header.contains("crit")) return false;
  return string_field(header, "alg") == "HS256" && string_field(header, "typ") == "JWT";
}

}  // namespace

JwtSigner::JwtSigner(std::string secret, std::int64_t ttl_seconds)
    : secret_(std::move(secret)), ttl_seconds_(ttl_seconds) {
  if (secret_.empty()) throw std::invalid_argument("JWT secret must not be empty");
  if (ttl_seconds_ <= 0) throw std::invalid_argument("JWT lifetime must be positive");
}

std::string JwtSigner::issue(std::string_view user_id, std::string_view name,
                             std::int64_t now_s) const {
  json::object payload;
  payload["sub"] = user_id;
  payload["name"] = name;
  payload["iat"] = now_s;
  payload["exp"] = now_s + ttl_seconds_;

  std::string token = base64url_encode(k_header_json);
  token.push_back('.');
  token += base64url_encode(json::serialize(payload));
  const Signature sig = hmac_sha256(secret_, token);
  token.push_back('.');
  token +=
      base64url_encode(std::string_view(reinterpret_cast<const char*>(sig.data()), sig.size()));
  return token;
}

chat::Result<Claims> JwtSigner::verify(std::string_view token, std::int64_t now_s) const {
  if (token.empty() || token.size() > k_max_token_size) return invalid();
  const std::size_t dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return invalid();
  const std::size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return invalid();
  }
  const std::string_view signed_part = token.substr(0, dot2);
  const std::string_view header_part = token.substr(0, dot1);
  const std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view sig_part = token.substr(dot2 + 1);

  // The header decides the algorithm, so it is checked before anything is trusted;
  // an attacker's "alg":"none" or "RS256" stops here.
  const std::optional<json::object> header = decode_object(header_part);
  if (!header || !header_is_hs256(*header)) return invalid();

  // Signature before payload: the claims of an unsigned token are never parsed.
  const std::optional<std::string> sig = base64url_decode(sig_part);
  if (!sig || sig->size() != k_sig_size) return invalid();
  const Signature expected = hmac_sha256(secret_, signed_part);
  if (!constant_time_equal(*sig, std::string_view(reinterpret_cast<const char*>(expected.data()),
                                                  expected.size()))) {
    return invalid();
  }

  const std::optional<json::object> payload = decode_object(payload_part);
  if (!payload) return invalid();
  Claims claims;
  auto sub = string_field(*payload, "sub");
  auto name = string_field(*payload, "name");
  auto iat = int_field(*payload, "iat");
  auto exp = int_field(*payload, "exp");
  if (!sub || sub->empty() || !name || !iat || !exp) return invalid();
  if (now_s >= *exp) return chat::fail(chat::ErrorKind::unauthorized, "token expired");
  claims.sub = std::move(*sub);
  claims.name = std::move(*name);
  claims.iat = *iat;
  claims.exp = *exp;
  return claims;
}

}  // namespace parley::auth
