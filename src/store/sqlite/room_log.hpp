#pragma once
// Appending commands to a room's log and reading it back. append() runs on the
// writer thread and takes every permission decision inside its transaction (via
// chat/permissions); history() runs on a reader.
#include "chat/error.hpp"
#include "chat/limits.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

// Post, edit, delete and react require membership (chat::check_post); edit,
// delete and react then apply chat::check_edit / check_delete / check_react.
// Join and leave apply no permission rule: who may add whom is the caller's call.
chat::Result<AppendResult> append(Connection& db, const Command& command,
                                  const chat::Limits& limits);

chat::Result<HistoryPage> history(Connection& db, const HistoryQuery& query);
chat::Result<std::vector<chat::Event>> unread_direct_messages(Connection& db,
                                                              const chat::UserId& user, int limit);

}  // namespace parley::store::sqlite
