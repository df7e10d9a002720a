#pragma once
// The current state of a range of messages (edits, deletes, reactions), read on a
// reader thread for pages that render messages as they are now.
#include <vector>

#include "chat/error.hpp"
#include "chat/types.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

chat::Result<std::vector<MessageAnnotation>> annotations(Connection& db, const chat::RoomId& room,
                                                         chat::Seq first, chat::Seq last);

}  // namespace parley::store::sqlite
