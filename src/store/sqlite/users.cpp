#include "store/sqlite/users.hpp"

#include "store/clock.hpp"
#include "store/random_id.hpp"
#include "store/sqlite/rows.hpp"

namespace parley::store::sqlite {

chat::Result<chat::User> create_user(Connection& db, const NewUser& nu) {
  chat::User user;
  user.id = random_id();
  user.name = nu.name;
  user.avatar_url = nu.avatar_url;
  user.provider = nu.provider;
  user.password_hash = nu.password_hash;
  user.created_at = now_ms();
  // DO NOTHING instead of catching a constraint error: a taken name is an expected
  // answer, not a failure (the name's NOCASE collation makes "Bob" take "bob").
  const auto inserted = db.exec("INSERT INTO users (" PARLEY_USER_COLUMNS
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                                user.id, user.name, user.avatar_url, user.provider,
                                user.password_hash, user.created_at);
  if (inserted == 0) return chat::fail(chat::ErrorKind::conflict, "this name is taken");
  return user;
}

chat::Result<chat::User> get_user(Connection& db, const chat::UserId& id) {
  Query q = db.query("SELECT " PARLEY_USER_COLUMNS " FROM users WHERE id = ?1", id);
  if (!q.next()) return chat::fail(chat::ErrorKind::not_found, "user not found");
  return read_user(q);
}

chat::Result<chat::User> find_user_by_name(Connection& db, const std::string& name) {
  Query q = db.query("SELECT " PARLEY_USER_COLUMNS " FROM users WHERE name = ?1", name);
  if (!q.next()) return chat::fail(chat::ErrorKind::not_found, "user not found");
  return read_user(q);
}

chat::Result<chat::User> find_user_by_identity(Connection& db, const ExternalIdentity& identity) {
  Query q = db.query("SELECT user_id FROM identities WHERE provider = ?1 AND subject = ?2",
                     identity.provider, identity.subject);
  if (!q.next()) return chat::fail(chat::ErrorKind::not_found, "no user has this identity");
  const chat::UserId id = q.text(0);
  return get_user(db, id);
}

chat::Result<chat::User> create_user_with_identity(Connection& db, const NewUser& nu,
                                                   const ExternalIdentity& identity) {
  // The writer runs one task at a time, so between this lookup and the insert no
  // other sign-in can link the identity: two first sign-ins make one user.
  if (auto existing = find_user_by_identity(db, identity)) return existing;
  auto user = create_user(db, nu);
  if (!user) return user;
  db.exec("INSERT INTO identities (provider, subject, user_id, created_at) VALUES (?1, ?2, ?3, ?4)",
          identity.provider, identity.subject, user->id, user->created_at);
  return user;
}

chat::Result<void> create_session(Connection& db, const Session& s) {
  db.exec("INSERT OR REPLACE INTO sessions (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
          s.token_hash, s.user_id, s.expires_at);
  // Expired sessions are never returned; sweeping them here, on an indexed range,
  // keeps the table from growing without a background job.
  db.exec("DELETE FROM sessions WHERE expires_at <= ?1", now_ms());
  return {};
}

chat::Result<Session> get_session(Connection& db, const std::string& token_hash) {
  Query q = db.query(
      "SELECT token_hash, user_id, expires_at FROM sessions "
      "WHERE token_hash = ?1 AND expires_at > ?2",
      token_hash, now_ms());
  if (!q.next()) return chat::fail(chat::ErrorKind::not_found, "session not found");
  return Session{q.text(0), q.text(1), q.int64(2)};
}

chat::Result<void> delete_session(Connection& db, const std::string& token_hash) {
  db.exec("DELETE FROM sessions WHERE token_hash = ?1", token_hash);
  return {};
}

}  // namespace parley::store::sqlite
