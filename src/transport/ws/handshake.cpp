#include "transport/ws/handshake.hpp"

#include <openssl/evp.h>

#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <stdexcept>

namespace parley::transport::ws {

namespace bh = boost::beast::http;

namespace {

constexpr std::string_view k_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// Whether a comma-separated header value holds `token` (case-insensitive).
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    auto comma = list.find(',');
    auto item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (boost::beast::iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// A key is 16 random bytes in base64: 24 characters ending in "==".
bool valid_key(std::string_view key) {
  if (key.size() != 24 || !key.ends_with("==")) return false;
  for (char c : key.substr(0, 22)) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string accept_key(std::string_view client_key) {
  std::string input(client_key);
  input.append(k_guid);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), digest.data(), &len, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA-1 failed");
  }
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded{};
  const int n = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(len));
  return std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(n));
}

Upgrade check_upgrade(const rest::Request& req) {
  Upgrade out;
  auto refuse = [&](std::string message) {
    out.refusal = rest::error(req, bh::status::bad_request, std::move(message));
    return out;
  };
  if (req.method() != bh::verb::get || req.version() < 11) {
    return refuse("a WebSocket upgrade is a GET over HTTP/1.1");
  }
  if (!has_token(req[bh::field::upgrade], "websocket") ||
      !has_token(req[bh::field::connection], "upgrade")) {
    return refuse("expected a WebSocket upgrade");
  }
  if (req[bh::field::sec_websocket_version] != "13") {
    out.refusal = rest::error(req, bh::status::upgrade_required, "WebSocket version 13 only");
    out.refusal->set(bh::field::sec_websocket_version, "13");
    return out;
  }
  const std::string_view key = req[bh::field::sec_websocket_key];
  if (!valid_key(key)) return refuse("bad Sec-WebSocket-Key");
  out.accept_response =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      accept_key(key) +
      "\r\n"
      "Server: parley\r\n\r\n";
  return out;
}

}  // namespace parley::transport::ws
