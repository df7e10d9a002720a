#include "store/sqlite/sqlite_store.hpp"

#include <mutex>
#include <stdexcept>
#include <system_error>

#include "store/clock.hpp"
#include "store/sqlite/annotations.hpp"
#include "store/sqlite/checkpointer.hpp"
#include "store/sqlite/invites.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/reader_pool.hpp"
#include "store/sqlite/retention.hpp"
#include "store/sqlite/room_log.hpp"
#include "store/sqlite/rooms.hpp"
#include "store/sqlite/users.hpp"
#include "store/sqlite/writer.hpp"

namespace parley::store::sqlite {

namespace {

// SQLite keeps global memory statistics behind one process-wide mutex taken on
// every allocation, which parley never reads. The setting must precede SQLite's
// initialisation, so it is a harmless no-op (SQLITE_MISUSE) if a database was
// opened before the first store.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

Connection open_writer(const Options& options) {
  configure_sqlite_once();
  Connection db(options.path, Connection::Mode::read_write);
  {
    Query mode = db.query("PRAGMA journal_mode = WAL");
    if (!mode.next() || mode.text(0) != "wal") {
      throw std::runtime_error("could not switch " + options.path +
                               " to WAL mode (is it on a network file system?)");
    }
  }
  // What an acknowledged commit survives, in WAL mode:
  // - NORMAL: a commit write()s its pages to the WAL and does not fsync (the WAL is
  //   fsynced only by checkpoints). write() has put them in the OS page cache before
  //   the commit returns, and the kernel writes them out even if the process dies:
  //   a commit survives kill -9 of the server. A power loss or an OS crash may lose
  //   the last commits; the file stays consistent (the WAL's checksums end it at
  //   the last whole commit).
  // - FULL: the WAL is also fsynced at every commit (once per group), so a commit
  //   survives power loss too, at the cost of that fsync on the writer thread.
  // busy_timeout: another process (an admin subcommand) or a RESTART checkpoint
  // (checkpointer.hpp) may hold the write lock for a moment.
  db.exec_script(options.synchronous_full ? "PRAGMA synchronous = FULL;"
                                          : "PRAGMA synchronous = NORMAL;");
  // temp_store = MEMORY: each write task runs in a savepoint, whose undo journal
  // would otherwise be a temporary file written page by page (a pwrite per page
  // per task, measured as the writer's main cost).
  // cache_size 64 MiB: appends to many rooms touch a leaf of the log and of the
  // client_id index per room; with 16 MiB, 1,000 busy rooms made the writer re-read
  // evicted pages (docs/PERFORMANCE.md, Findings 10).
  db.exec_script(
      "PRAGMA foreign_keys = ON;"
      "PRAGMA busy_timeout = 5000;"
      "PRAGMA temp_store = MEMORY;"
      "PRAGMA cache_size = -65536;");
  return db;
}

Connection open_migrated_writer(const Options& options) {
  try {
    Connection db = open_writer(options);
    migrate(db);
    return db;
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot open database " + options.path + ": " + e.what());
  }
}

}  // namespace

SqliteStore::RemoveDir::~RemoveDir() {
  if (path.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

SqliteStore::SqliteStore(Options options)
    : remove_on_close_{options.remove_on_close}, limits_(options.limits) {
  Connection db = open_migrated_writer(options);
  try {
    checkpointer_ = std::make_unique<Checkpointer>(options.path, Checkpointer::Limits{});
    checkpointer_->attach(db);
    writer_ = std::make_unique<Writer>(std::move(db), std::move(options.callback_scope));
    readers_ = std::make_unique<ReaderPool>(options.path, options.readers);
    if (limits_.retention_days > 0) {
      retention_ = std::make_unique<RetentionTimer>(options.retention_interval, [this] {
        if (sweeping_.exchange(true)) return;
        apply_retention([this](chat::Result<std::int64_t>) { sweeping_ = false; });
      });
    }
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot open database " + options.path + ": " + e.what());
  }
}

SqliteStore::~SqliteStore() {
  // No new sweep; one under way ends when the writer refuses its next batch.
  retention_.reset();
  readers_.reset();
  writer_.reset();
  checkpointer_.reset();
}

void SqliteStore::flush() {
  writer_->flush();
}

void SqliteStore::create_user(NewUser user, Callback<chat::User> done) {
  writer_->submit<chat::User>(
      [user = std::move(user)](Connection& db) { return sqlite::create_user(db, user); },
      std::move(done));
}

void SqliteStore::get_user(chat::UserId id, Callback<chat::User> done) {
  readers_->submit<chat::User>(
      [id = std::move(id)](Connection& db) { return sqlite::get_user(db, id); }, std::move(done));
}

void SqliteStore::find_user_by_name(std::string name, Callback<chat::User> done) {
  readers_->submit<chat::User>(
      [name = std::move(name)](Connection& db) { return sqlite::find_user_by_name(db, name); },
      std::move(done));
}

void SqliteStore::find_user_by_identity(ExternalIdentity identity, Callback<chat::User> done) {
  readers_->submit<chat::User>(
      [identity = std::move(identity)](Connection& db) {
        return sqlite::find_user_by_identity(db, identity);
      },
      std::move(done));
}

void SqliteStore::create_user_with_identity(NewUser user, ExternalIdentity identity,
                                            Callback<chat::User> done) {
  writer_->submit<chat::User>(
      [user = std::move(user), identity = std::move(identity)](Connection& db) {
        return sqlite::create_user_with_identity(db, user, identity);
      },
      std::move(done));
}

void SqliteStore::create_session(Session session, Callback<void> done) {
  writer_->submit<void>([session = std::move(session)](
                            Connection& db) { return sqlite::create_session(db, session); },
                        std::move(done));
}

void SqliteStore::get_session(std::string token_hash, Callback<Session> done) {
  readers_->submit<Session>([token_hash = std::move(token_hash)](
                                Connection& db) { return sqlite::get_session(db, token_hash); },
                            std::move(done));
}

void SqliteStore::delete_session(std::string token_hash, Callback<void> done) {
  writer_->submit<void>([token_hash = std::move(token_hash)](
                            Connection& db) { return sqlite::delete_session(db, token_hash); },
                        std::move(done));
}

void SqliteStore::create_room(NewRoom room, Callback<chat::Room> done) {
  writer_->submit<chat::Room>(
      [this, room = std::move(room)](Connection& db) {
        return sqlite::create_room(db, room, limits_);
      },
      std::move(done));
}

void SqliteStore::get_room(chat::RoomId id, Callback<chat::Room> done) {
  readers_->submit<chat::Room>(
      [id = std::move(id)](Connection& db) { return sqlite::get_room(db, id); }, std::move(done));
}

void SqliteStore::list_rooms(chat::UserId user, Callback<std::vector<chat::RoomSummary>> done) {
  readers_->submit<std::vector<chat::RoomSummary>>(
      [user = std::move(user)](Connection& db) { return sqlite::list_rooms(db, user); },
      std::move(done));
}

void SqliteStore::is_member(chat::RoomId room, chat::UserId user, Callback<bool> done) {
  readers_->submit<bool>([room = std::move(room), user = std::move(user)](
                             Connection& db) { return sqlite::is_member(db, room, user); },
                         std::move(done));
}

void SqliteStore::shared_direct_room(chat::UserId a, chat::UserId b,
                                     Callback<std::optional<chat::RoomId>> done) {
  readers_->submit<std::optional<chat::RoomId>>(
      [a = std::move(a), b = std::move(b)](Connection& db) {
        return sqlite::shared_direct_room(db, a, b);
      },
      std::move(done));
}

void SqliteStore::list_members(chat::RoomId room, Callback<std::vector<chat::Member>> done) {
  readers_->submit<std::vector<chat::Member>>(
      [room = std::move(room)](Connection& db) { return sqlite::list_members(db, room); },
      std::move(done));
}

void SqliteStore::direct_room(chat::UserRef a, chat::UserRef b, Callback<chat::Room> done) {
  writer_->submit<chat::Room>(
      [this, a = std::move(a), b = std::move(b)](Connection& db) {
        return sqlite::direct_room(db, a, b, limits_);
      },
      std::move(done));
}

void SqliteStore::append(Command command, Callback<AppendResult> done) {
  writer_->submit<AppendResult>(
      [this, command = std::move(command)](Connection& db) {
        return sqlite::append(db, command, limits_);
      },
      std::move(done));
}

void SqliteStore::history(HistoryQuery query, Callback<HistoryPage> done) {
  readers_->submit<HistoryPage>(
      [query = std::move(query)](Connection& db) { return sqlite::history(db, query); },
      std::move(done));
}

void SqliteStore::unread_direct_messages(chat::UserId user, int limit,
                                         Callback<std::vector<chat::Event>> done) {
  readers_->submit<std::vector<chat::Event>>(
      [user = std::move(user), limit](Connection& db) {
        return sqlite::unread_direct_messages(db, user, limit);
      },
      std::move(done));
}

void SqliteStore::annotations(chat::RoomId room, chat::Seq first, chat::Seq last,
                              Callback<std::vector<MessageAnnotation>> done) {
  readers_->submit<std::vector<MessageAnnotation>>(
      [room = std::move(room), first, last](Connection& db) {
        return sqlite::annotations(db, room, first, last);
      },
      std::move(done));
}

void SqliteStore::create_invite(chat::RoomId room, chat::UserId creator, std::string token_hash,
                                chat::TimeMs expires_at, Callback<void> done) {
  writer_->submit<void>(
      [room = std::move(room), creator = std::move(creator), token_hash = std::move(token_hash),
       expires_at](Connection& db) {
        return sqlite::create_invite(db, room, creator, token_hash, expires_at);
      },
      std::move(done));
}

void SqliteStore::redeem_invite(std::string token_hash, chat::UserRef user,
                                Callback<AppendResult> done) {
  writer_->submit<AppendResult>(
      [this, token_hash = std::move(token_hash), user = std::move(user)](Connection& db) {
        return sqlite::redeem_invite(db, token_hash, user, limits_);
      },
      std::move(done));
}

void SqliteStore::set_read(chat::RoomId room, chat::UserId user, chat::Seq seq,
                           Callback<chat::Seq> done) {
  writer_->submit<chat::Seq>([room = std::move(room), user = std::move(user), seq](
                                 Connection& db) { return sqlite::set_read(db, room, user, seq); },
                             std::move(done));
}

// A sweep in progress: one batch at a time, the next queued from the callback of
// the one before (after its commit), so other writes take turns with it.
struct SqliteStore::Sweep {
  chat::TimeMs cutoff = 0;
  chat::RoomId resume_from;
  std::int64_t removed = 0;
  Callback<std::int64_t> done;
};

void SqliteStore::apply_retention(Callback<std::int64_t> done) {
  if (limits_.retention_days <= 0) {
    // Still called back on a thread of the store, as every method is.
    writer_->submit<std::int64_t>([](Connection&) -> chat::Result<std::int64_t> { return 0; },
                                  std::move(done));
    return;
  }
  auto sweep = std::make_shared<Sweep>();
  constexpr chat::TimeMs k_day_ms = 24LL * 60 * 60 * 1000;
  sweep->cutoff = now_ms() - limits_.retention_days * k_day_ms;
  sweep->done = std::move(done);
  sweep_on(*writer_, std::move(sweep));
}

// The Writer by reference, not writer_: during ~Writer (writer_ already null) the
// last batch's callback still runs, and its submit is refused, which ends the sweep.
void SqliteStore::sweep_on(Writer& writer, std::shared_ptr<Sweep> sweep) {
  writer.submit<RetentionBatch>(
      [sweep](Connection& db) -> chat::Result<RetentionBatch> {
        return prune_batch(db, sweep->resume_from, sweep->cutoff);
      },
      [&writer, sweep](chat::Result<RetentionBatch> batch) {
        if (!batch) return deliver<std::int64_t>(sweep->done, batch.error());
        sweep->removed += batch->removed;
        if (batch->finished) return deliver<std::int64_t>(sweep->done, sweep->removed);
        sweep->resume_from = std::move(batch->resume_from);
        sweep_on(writer, sweep);
      });
}

}  // namespace parley::store::sqlite
