#pragma once
// Rooms, their members and read markers, as statements on one connection.
// create_room, direct_room and set_read run on the writer thread; the rest on readers.
#include <string>
#include <vector>

#include "chat/error.hpp"
#include "chat/limits.hpp"
#include "chat/types.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

chat::Result<chat::Room> create_room(Connection& db, const NewRoom& room,
                                     const chat::Limits& limits);
chat::Result<chat::Room> get_room(Connection& db, const chat::RoomId& id);
chat::Result<std::vector<chat::RoomSummary>> list_rooms(Connection& db, const chat::UserId& user);
chat::Result<bool> is_member(Connection& db, const chat::RoomId& room, const chat::UserId& user);
chat::Result<std::vector<chat::Member>> list_members(Connection& db, const chat::RoomId& room);
chat::Result<std::optional<chat::RoomId>> shared_direct_room(Connection& db, const chat::UserId& a,
                                                             const chat::UserId& b);
// Finds the pair's room by chat::direct_room_key or creates it; either way both
// users are members afterwards (one who left is brought back).
chat::Result<chat::Room> direct_room(Connection& db, const chat::UserRef& a, const chat::UserRef& b,
                                     const chat::Limits& limits);
chat::Result<chat::Seq> set_read(Connection& db, const chat::RoomId& room, const chat::UserId& user,
                                 chat::Seq seq);

}  // namespace parley::store::sqlite
