#pragma once
// Users and browser sessions, as statements on one connection. Writes run on the
// writer thread, reads on a reader; each function is one task's whole work.
#include <string>

#include "chat/error.hpp"
#include "chat/types.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

chat::Result<chat::User> create_user(Connection& db, const NewUser& user);  // conflict
chat::Result<chat::User> get_user(Connection& db, const chat::UserId& id);
chat::Result<chat::User> find_user_by_name(Connection& db, const std::string& name);
chat::Result<chat::User> find_user_by_identity(Connection& db, const ExternalIdentity& identity);
// On the writer: the lookup, the user and the link in one transaction.
chat::Result<chat::User> create_user_with_identity(Connection& db, const NewUser& user,
                                                   const ExternalIdentity& identity);

chat::Result<void> create_session(Connection& db, const Session& session);
chat::Result<Session> get_session(Connection& db, const std::string& token_hash);
chat::Result<void> delete_session(Connection& db, const std::string& token_hash);

}  // namespace parley::store::sqlite
