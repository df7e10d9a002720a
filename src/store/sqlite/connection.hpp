#pragma once
// One SQLite connection, used by one thread at a time (the store gives each of its
// threads its own). Statements are prepared once per connection and cached by their
// SQL text; query() and exec() bind arguments positionally (?1, ?2, ...).
// Every SQLite failure throws sqlite::Error; the store's task runners turn that
// into a chat::Error, so nothing escapes to a caller's callback.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

namespace parley::store::sqlite {

class DeferredWrites;

class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const noexcept { return code_; }  // extended result code

 private:
  int code_;
};

// A running statement: rows are read with next() and the column getters. Resets
// its statement when it goes out of scope so the cached statement can run again.
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* stmt, bool* busy) noexcept : db_(db), stmt_(stmt), busy_(busy) {}
  Query(Query&& other) noexcept;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& operator=(Query&&) = delete;
  ~Query();

  // Steps to the next row; false when there is none.
  bool next();

  std::int64_t int64(int col) const noexcept { return sqlite3_column_int64(stmt_, col); }
  bool boolean(int col) const noexcept { return sqlite3_column_int64(stmt_, col) != 0; }
  bool is_null(int col) const noexcept { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string text(int col) const;

  // Copy::no binds text in place: only while `value` outlives the statement's run
  // (the Query's destructor clears the bindings).
  enum class Copy { no, yes };
  template <class T>
  void bind(int index, const T& value, Copy copy = Copy::yes);

 private:
  void check_bind(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* busy_;
};

class Connection {
 public:
  enum class Mode { read_write, read_only };

  // Opens (and for read_write, creates) the database file. Throws sqlite::Error.
  Connection(const std::string& path, Mode mode);
  Connection(Connection&&) noexcept = default;
  // No assignment: it would close a database whose cached statements are still open.
  Connection& operator=(Connection&&) = delete;
  ~Connection();

  // Runs a script of one or more statements without caching (pragmas, migrations,
  // transaction control that runs once).
  void exec_script(const char* sql);

  // A cached statement with its arguments bound (copied: the Query may outlive
  // temporaries passed here), ready to step.
  template <class... Args>
  Query query(std::string_view sql, const Args&... args) {
    Query q = start(sql);
    int index = 1;
    (q.bind(index++, args, Query::Copy::yes), ...);
    return q;
  }

  // Runs a statement that returns no rows; returns the number of rows it changed.
  // The arguments outlive the statement's run here, so text is bound without a copy.
  template <class... Args>
  std::int64_t exec(std::string_view sql, const Args&... args) {
    Query q = start(sql);
    int index = 1;
    (q.bind(index++, args, Query::Copy::no), ...);
    while (q.next()) {
    }
    return sqlite3_changes64(db_.get());
  }

  // True while a transaction is open. After a failed statement, false means SQLite
  // rolled the whole transaction back by itself (disk full, I/O error).
  bool in_transaction() const noexcept { return sqlite3_get_autocommit(db_.get()) == 0; }

  sqlite3* handle() const noexcept { return db_.get(); }

  // The writer's pending row updates (deferred_writes.hpp), or nullptr on any other
  // connection. Not owned.
  DeferredWrites* deferred() const noexcept { return deferred_; }
  void set_deferred(DeferredWrites* deferred) noexcept { deferred_ = deferred; }

 private:
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool busy = false;  // a Query is using it; a nested use would corrupt its state
  };
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  Query start(std::string_view sql);

  std::unique_ptr<sqlite3, Closer> db_;
  DeferredWrites* deferred_ = nullptr;
  // unique_ptr so that the cache entries keep their address across rehashing
  // (a live Query points at its entry's busy flag).
  std::unordered_map<std::string, std::unique_ptr<Cached>, Hash, std::equal_to<>> cache_;
};

// Throws sqlite::Error for a failed result code, naming the connection's message.
[[noreturn]] void throw_error(sqlite3* db, int rc);

template <class T>
void Query::bind(int index, const T& value, Copy copy) {
  int rc = SQLITE_OK;
  if constexpr (std::is_same_v<T, std::nullptr_t>) {
    rc = sqlite3_bind_null(stmt_, index);
  } else if constexpr (std::is_integral_v<T>) {
    rc = sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value));
  } else {
    const std::string_view s = value;
    // A default string_view has a null data(), which SQLite would bind as NULL.
    rc = sqlite3_bind_text64(stmt_, index, s.data() ? s.data() : "", s.size(),
                             copy == Copy::yes ? SQLITE_TRANSIENT : SQLITE_STATIC, SQLITE_UTF8);
  }
  check_bind(rc);
}

}  // namespace parley::store::sqlite
