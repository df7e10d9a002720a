#include "store/sqlite/migrations.hpp"

#include <stdexcept>
#include <string>

namespace parley::store::sqlite {

namespace {

int user_version(Connection& db) {
  Query q = db.query("PRAGMA user_version");
  return q.next() ? static_cast<int>(q.int64(0)) : 0;
}

}  // namespace

void migrate(Connection& db) {
  const auto all = migrations();
  const int latest = all.empty() ? 0 : all.back().version;
  const int current = user_version(db);
  if (current > latest) {
    throw std::runtime_error("the database's schema version " + std::to_string(current) +
                             " is newer than this build of parley knows (" +
                             std::to_string(latest) + "); upgrade parley");
  }
  for (const Migration& m : all) {
    if (m.version <= current) continue;
    // IMMEDIATE: two processes starting on the same file cannot both apply it;
    // the second waits (busy_timeout) and then finds user_version already moved.
    db.exec_script("BEGIN IMMEDIATE");
    try {
      if (user_version(db) < m.version) {
        db.exec_script(std::string(m.sql).c_str());
        db.exec_script(("PRAGMA user_version = " + std::to_string(m.version)).c_str());
      }
      db.exec_script("COMMIT");
    } catch (const std::exception& e) {
      if (db.in_transaction()) db.exec_script("ROLLBACK");
      throw std::runtime_error("migration " + std::string(m.name) + " failed: " + e.what());
    }
  }
}

}  // namespace parley::store::sqlite
