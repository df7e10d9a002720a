#pragma once
// Internal to transport/rest: each file adds its group of routes.
#include <vector>

#include "transport/rest/rest.hpp"

namespace parley::transport::rest {

void add_auth_routes(std::vector<Route>& out, ChatService& chat);
void add_room_routes(std::vector<Route>& out, ChatService& chat);
void add_message_routes(std::vector<Route>& out, ChatService& chat);
void add_match_routes(std::vector<Route>& out, ChatService& chat);

// Parses a path segment as a seq (positive integer); nullopt when it is not one.
std::optional<chat::Seq> parse_seq(std::string_view s);

}  // namespace parley::transport::rest
