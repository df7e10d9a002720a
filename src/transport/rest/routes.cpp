#include <charconv>

#include "transport/rest/routes_detail.hpp"

namespace parley::transport::rest {

std::vector<Route> routes(Services& services) {
  std::vector<Route> out;
  add_auth_routes(out, services);
  add_room_routes(out, services);
  add_message_routes(out, services);
  add_match_routes(out, services);
  return out;
}

std::optional<chat::Seq> parse_seq(std::string_view s) {
  chat::Seq v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace parley::transport::rest
