#pragma once
// Invite links to rooms, as statements on one connection. Both run on the writer
// thread: redeeming decides "unused" and adds the member in one transaction, so an
// invite can never let two users in.
#include <string>

#include "chat/error.hpp"
#include "chat/limits.hpp"
#include "chat/types.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

chat::Result<void> create_invite(Connection& db, const chat::RoomId& room,
                                 const chat::UserId& creator, const std::string& token_hash,
                                 chat::TimeMs expires_at);
chat::Result<AppendResult> redeem_invite(Connection& db, const std::string& token_hash,
                                         const chat::UserRef& user, const chat::Limits& limits);

}  // namespace parley::store::sqlite
