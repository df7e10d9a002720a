#pragma once
// Internal to transport/rest: each file adds its group of routes.
#include <vector>

#include "transport/rest/rest.hpp"
#include "transport/service.hpp"

namespace parley::transport::rest {

void add_auth_routes(std::vector<Route>& out, Services& services);
void add_room_routes(std::vector<Route>& out, Services& services);
void add_message_routes(std::vector<Route>& out, Services& services);
void add_match_routes(std::vector<Route>& out, Services& services);

// Parses a path segment as a seq (positive integer); nullopt when it is not one.
std::optional<chat::Seq> parse_seq(std::string_view s);

}  // namespace parley::transport::rest
