#include "auth/oauth_flow.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>
#include <vector>

#include "auth/base64url.hpp"
#include "auth/tokens.hpp"

namespace parley::auth {

namespace {

// Bumped if the layout changes, so an old cookie is refused, not misread.
constexpr std::string_view k_version = "v1";

bool is_base64url(std::string_view s) {
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

OAuthFlow start_oauth_flow(std::string provider, std::string next) {
  // 32 random bytes each: the state is unguessable, and the verifier's 43
  // characters are the shortest RFC 7636 allows with full entropy.
  return OAuthFlow{std::move(provider), random_token(32), random_token(32), std::move(next)};
}

std::string pkce_challenge(std::string_view verifier) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(verifier.data(), verifier.size(), digest.data(), &len, EVP_sha256(), nullptr) !=
      1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), len));
}

// v1.<provider>.<state>.<verifier>.<base64url(next)>: every field is base64url or a
// provider name, so '.' separates them unambiguously and the value needs no
// quoting in a Cookie header.
std::string encode_flow_cookie(const OAuthFlow& flow) {
  std::string out(k_version);
  for (std::string_view part : {std::string_view(flow.provider), std::string_view(flow.state),
                                std::string_view(flow.verifier)}) {
    out += '.';
    out += part;
  }
  out += '.';
  out += base64url_encode(flow.next);
  return out;
}

std::optional<OAuthFlow> decode_flow_cookie(std::string_view value) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto dot = value.find('.');
    parts.push_back(value.substr(0, dot));
    if (dot == std::string_view::npos || parts.size() > 5) break;
    value.remove_prefix(dot + 1);
  }
  if (parts.size() != 5 || parts[0] != k_version) return std::nullopt;
  for (std::size_t i = 1; i < 4; ++i) {
    if (parts[i].empty() || !is_base64url(parts[i])) return std::nullopt;
  }
  auto next = base64url_decode(parts[4]);
  if (!next) return std::nullopt;
  return OAuthFlow{std::string(parts[1]), std::string(parts[2]), std::string(parts[3]),
                   std::move(*next)};
}

bool state_matches(const OAuthFlow& flow, std::string_view state) {
  return !flow.state.empty() && constant_time_equal(flow.state, state);
}

}  // namespace parley::auth
