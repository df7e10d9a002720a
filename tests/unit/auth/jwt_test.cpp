#include "auth/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

#include "auth/base64url.hpp"

namespace parley::auth {
namespace {

constexpr std::int64_t k_now = 1'700'000'000;
constexpr std::int64_t k_ttl = 3600;
const std::string k_secret = "test-secret-0123456789abcdef0123456789";

std::string b64(std::string_view s) {
  return base64url_encode(s);
}

std::string hs256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &len);
  return std::string(reinterpret_cast<const char*>(mac.data()), len);
}

// A token with any header and payload, correctly HMAC-SHA256-signed with `key`.
std::string forge(std::string_view header, std::string_view payload,
                  std::string_view key = k_secret) {
  std::string signing_input = b64(header) + "." + b64(payload);
  return signing_input + "." + b64(hs256(key, signing_input));
}

constexpr std::string_view k_header = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::string_view k_payload =
    R"({"sub":"u1","name":"Ann","iat":1700000000,"exp":1700003600})";

void expect_invalid(const chat::Result<Claims>& r, std::string_view message = "invalid token") {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, chat::ErrorKind::unauthorized);
  EXPECT_EQ(r.error().message, message);
}

TEST(Jwt, issued_token_verifies_with_its_claims) {
  const JwtSigner signer(k_secret, k_ttl);
  const std::string token = signer.issue("u1", "Ann \"the\" <Admin> \xC3\xA9", k_now);
  const auto claims = signer.verify(token, k_now + 10);
  ASSERT_TRUE(claims.has_value()) << claims.error().message;
  EXPECT_EQ(claims->sub, "u1");
  EXPECT_EQ(claims->name, "Ann \"the\" <Admin> \xC3\xA9");
  EXPECT_EQ(claims->iat, k_now);
  EXPECT_EQ(claims->exp, k_now + k_ttl);
}

TEST(Jwt, issued_token_is_standard_hs256) {
  const JwtSigner signer(k_secret, k_ttl);
  const std::string token = signer.issue("u1", "Ann", k_now);
  EXPECT_TRUE(token.starts_with(b64(k_header) + ".")) << token;
  EXPECT_EQ(token, forge(k_header, k_payload));  // interoperable with any HS256 library
  EXPECT_TRUE(signer.verify(forge(k_header, k_payload), k_now).has_value());
}

TEST(Jwt, expired_token_is_refused) {
  const JwtSigner signer(k_secret, k_ttl);
  const std::string token = signer.issue("u1", "Ann", k_now);
  EXPECT_TRUE(signer.verify(token, k_now + k_ttl - 1).has_value());
  expect_invalid(signer.verify(token, k_now + k_ttl), "token expired");
  expect_invalid(signer.verify(token, k_now + 10 * k_ttl), "token expired");
}

TEST(Jwt, tampered_payload_is_refused) {
  const JwtSigner signer(k_secret, k_ttl);
  const std::string token = signer.issue("u1", "Ann", k_now);
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = token.rfind('.');
  const std::string evil = R"({"sub":"admin","name":"Ann","iat":1700000000,"exp":1700003600})";
  const std::string tampered = token.substr(0, dot1 + 1) + b64(evil) + token.substr(dot2);
  expect_invalid(signer.verify(tampered, k_now));
}

TEST(Jwt, tampered_signature_is_refused) {
  const JwtSigner signer(k_secret, k_ttl);
  std::string token = signer.issue("u1", "Ann", k_now);
  // Flip a bit in the middle of the signature, keeping it valid base64url.
  char& c = token[token.size() - 10];
  c = (c == 'A') ? 'B' : 'A';
  expect_invalid(signer.verify(token, k_now));
  // A signature cut short or extended.
  const std::string good = signer.issue("u1", "Ann", k_now);
  expect_invalid(signer.verify(good.substr(0, good.size() - 4), k_now));
  expect_invalid(signer.verify(good + "AAAA", k_now));
}

TEST(Jwt, token_from_another_secret_is_refused) {
  const JwtSigner signer(k_secret, k_ttl);
  const JwtSigner other("another-secret", k_ttl);
  expect_invalid(signer.verify(other.issue("u1", "Ann", k_now), k_now));
}

TEST(Jwt, alg_none_is_refused) {
  const JwtSigner signer(k_secret, k_ttl);
  const std::string unsigned_token = b64(R"({"alg":"none","typ":"JWT"})") + "." + b64(k_payload);
  expect_invalid(signer.verify(unsigned_token + ".", k_now));
  expect_invalid(signer.verify(unsigned_token, k_now));
  // Even with a valid HMAC attached, a header that does not say HS256 is refused.
  expect_invalid(signer.verify(forge(R"({"alg":"none","typ":"JWT"})", k_payload), k_now));
  expect_invalid(signer.verify(forge(R"({"alg":"None","typ":"JWT"})", k_payload), k_now));
}

TEST(Jwt, other_algorithms_and_headers_are_refused) {
  const JwtSigner signer(k_secret, k_ttl);
  for (std::string_view header :
       {R"({"alg":"HS512","typ":"JWT"})", R"({"alg":"RS256","typ":"JWT"})",
        R"({"alg":"hs256","typ":"JWT"})", R"({"typ":"JWT"})", R"({"alg":"HS256"})",
        R"({"alg":"HS256","typ":"JWS"})", R"({"alg":["HS256"],"typ":"JWT"})",
        R"({"alg":"HS256","typ":"JWT","crit":["exp"]})", R"(["HS256"])", "not json"}) {
    SCOPED_TRACE(header);
    expect_invalid(signer.verify(forge(header, k_payload), k_now));
  }
}

TEST(Jwt, malformed_tokens_are_refused) {
  const JwtSigner signer(k_secret, k_ttl);
  const std::string good = signer.issue("u1", "Ann", k_now);
  const std::string header = good.substr(0, good.find('.'));
  for (const std::string& token :
       {std::string(), std::string("."), std::string(".."), std::string("abc"), header,
        header + "." + b64(k_payload), good + ".", good + ".x", "." + good,
        std::string("!!!.@@@.###"), std::string(10000, 'A'), std::string("a b.c d.e f")}) {
    SCOPED_TRACE(token.substr(0, 80));
    expect_invalid(signer.verify(token, k_now));
  }
}

TEST(Jwt, bad_payloads_are_refused_even_when_signed) {
  const JwtSigner signer(k_secret, k_ttl);
  for (std::string_view payload : {
           "not json",
           R"(["u1"])",
           R"("u1")",
           R"({"name":"Ann","iat":1700000000,"exp":1700003600})",
           R"({"sub":"","name":"Ann","iat":1700000000,"exp":1700003600})",
           R"({"sub":42,"name":"Ann","iat":1700000000,"exp":1700003600})",
           R"({"sub":"u1","iat":1700000000,"exp":1700003600})",
           R"({"sub":"u1","name":"Ann","exp":1700003600})",
           R"({"sub":"u1","name":"Ann","iat":1700000000})",
           R"({"sub":"u1","name":"Ann","iat":1700000000,"exp":"1700003600"})",
           R"({"sub":"u1","name":"Ann","iat":1700000000,"exp":1.7e9})",
           R"({"sub":"u1","name":"Ann","iat":1700000000,"exp":18446744073709551615})",
       }) {
    SCOPED_TRACE(payload);
    expect_invalid(signer.verify(forge(k_header, payload), k_now));
  }
}

TEST(Jwt, bad_base64_is_refused) {
  const JwtSigner signer(k_secret, k_ttl);
  const std::string good = signer.issue("u1", "Ann", k_now);
  const std::size_t dot1 = good.find('.');
  // Standard-alphabet or padded base64 is not base64url.
  std::string padded = good.substr(0, dot1) + "=" + good.substr(dot1);
  expect_invalid(signer.verify(padded, k_now));
  std::string plus = good;
  plus[1] = '+';
  expect_invalid(signer.verify(plus, k_now));
}

TEST(Jwt, constructor_refuses_bad_configuration) {
  EXPECT_THROW(JwtSigner("", k_ttl), std::invalid_argument);
  EXPECT_THROW(JwtSigner(k_secret, 0), std::invalid_argument);
  EXPECT_THROW(JwtSigner(k_secret, -1), std::invalid_argument);
}

}  // namespace
}  // namespace parley::auth
