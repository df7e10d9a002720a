#include "store/sqlite/connection.hpp"

#include <utility>

namespace parley::store::sqlite {

void throw_error(sqlite3* db, int rc) {
  std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int code = db ? sqlite3_extended_errcode(db) : rc;
  throw Error(code, "sqlite: " + message);
}

Query::Query(Query&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), busy_(other.busy_) {}

Query::~Query() {
  if (stmt_ == nullptr) return;
  // reset() repeats the last step's error, which was already thrown; ignore it.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *busy_ = false;
}

bool Query::next() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_error(db_, rc);
}

std::string Query::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (p == nullptr) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

void Query::check_bind(int rc) {
  if (rc != SQLITE_OK) throw_error(db_, rc);
}

void Connection::Closer::operator()(sqlite3* db) const noexcept {
  sqlite3_close_v2(db);
}

Connection::Connection(const std::string& path, Mode mode) {
  // NOMUTEX: each connection is used by one thread at a time, so SQLite's own
  // per-connection mutex would be pure overhead.
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |=
      mode == Mode::read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) throw_error(raw, rc);
  sqlite3_extended_result_codes(raw, 1);
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached->stmt);
}

void Connection::exec_script(const char* sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw Error(sqlite3_extended_errcode(db_.get()), "sqlite: " + text);
  }
}

Query Connection::start(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto cached = std::make_unique<Cached>();
    const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &cached->stmt, nullptr);
    if (rc != SQLITE_OK) throw_error(db_.get(), rc);
    it = cache_.emplace(std::string(sql), std::move(cached)).first;
  }
  Cached& cached = *it->second;
  if (cached.busy) throw Error(SQLITE_MISUSE, "sqlite: statement used while already running");
  cached.busy = true;
  return Query(db_.get(), cached.stmt, &cached.busy);
}

}  // namespace parley::store::sqlite
