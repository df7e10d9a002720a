#pragma once
// The SQLite Store (store.hpp): one database file in WAL mode, one writer thread
// that commits writes in groups, and a small pool of reader threads.
//
// Threads: callbacks of writes (create_*, direct_room, append, set_read,
// create/delete_session) run on the writer thread, after the commit that made the
// write durable, in submission order. Callbacks of reads run on a reader thread.
// Callbacks must be short (post the result elsewhere) and must not call flush().
// Destruction commits every write queued before it and joins all threads.
//
// Durability: synchronous=NORMAL in WAL mode survives a crash of the process
// (kill -9): a commit is in the OS's page cache before the callback runs. It does
// not survive power loss or an OS crash (the last commits may be lost, the file
// stays consistent); synchronous_full covers those at the cost of an fsync per group.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "chat/limits.hpp"
#include "store/store.hpp"

namespace parley::store::sqlite {

class Writer;
class ReaderPool;
class Checkpointer;
class RetentionTimer;

struct Options {
  std::string path;     // the database file; its directory must exist
  chat::Limits limits;  // max_msgs, retention_days: retention per room
  // How often retention_days is swept (the first sweep runs at open).
  std::chrono::milliseconds retention_interval = std::chrono::minutes(10);
  int readers = 2;                // reader threads, each with its own connection
  bool synchronous_full = false;  // fsync every commit: durable across power loss
  // When set, this directory is removed when the store is destroyed (sqlite://:memory:).
  std::filesystem::path remove_on_close;
  CallbackScope callback_scope;  // wraps each commit group's callbacks (store.hpp)
};

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) and migrates the database. Throws std::runtime_error.
  explicit SqliteStore(Options options);
  ~SqliteStore() override;

  void create_user(NewUser user, Callback<chat::User> done) override;
  void get_user(chat::UserId id, Callback<chat::User> done) override;
  void find_user_by_name(std::string name, Callback<chat::User> done) override;
  void find_user_by_identity(ExternalIdentity identity, Callback<chat::User> done) override;
  void create_user_with_identity(NewUser user, ExternalIdentity identity,
                                 Callback<chat::User> done) override;

  void create_session(Session session, Callback<void> done) override;
  void get_session(std::string token_hash, Callback<Session> done) override;
  void delete_session(std::string token_hash, Callback<void> done) override;

  void create_room(NewRoom room, Callback<chat::Room> done) override;
  void get_room(chat::RoomId id, Callback<chat::Room> done) override;
  void list_rooms(chat::UserId user, Callback<std::vector<chat::RoomSummary>> done) override;
  void is_member(chat::RoomId room, chat::UserId user, Callback<bool> done) override;
  void list_members(chat::RoomId room, Callback<std::vector<chat::Member>> done) override;
  void direct_room(chat::UserRef a, chat::UserRef b, Callback<chat::Room> done) override;
  void shared_direct_room(chat::UserId a, chat::UserId b,
                          Callback<std::optional<chat::RoomId>> done) override;

  void append(Command command, Callback<AppendResult> done) override;
  void history(HistoryQuery query, Callback<HistoryPage> done) override;
  void unread_direct_messages(chat::UserId user, int limit,
                              Callback<std::vector<chat::Event>> done) override;

  void annotations(chat::RoomId room, chat::Seq first, chat::Seq last,
                   Callback<std::vector<MessageAnnotation>> done) override;
  void create_invite(chat::RoomId room, chat::UserId creator, std::string token_hash,
                     chat::TimeMs expires_at, Callback<void> done) override;
  void redeem_invite(std::string token_hash, chat::UserRef user,
                     Callback<AppendResult> done) override;

  void set_read(chat::RoomId room, chat::UserId user, chat::Seq seq,
                Callback<chat::Seq> done) override;

  void apply_retention(Callback<std::int64_t> done) override;

  void flush() override;

 private:
  struct Sweep;
  static void sweep_on(Writer& writer, std::shared_ptr<Sweep> sweep);

  // Declaration order is destruction order, reversed: readers stop first (a read's
  // callback may still queue a write), then the writer drains, then the checkpointer
  // (the writer's WAL hook points at it) stops, then the directory goes. The
  // retention timer stops before all of them (the destructor says so).
  struct RemoveDir {
    std::filesystem::path path;
    ~RemoveDir();
  };
  RemoveDir remove_on_close_;
  chat::Limits limits_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<ReaderPool> readers_;
  std::atomic<bool> sweeping_{false};  // the timer starts no sweep while one runs
  std::unique_ptr<RetentionTimer> retention_;
};

}  // namespace parley::store::sqlite
