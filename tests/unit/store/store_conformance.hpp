#pragma once
// The Store conformance suite: what every backend must do, written only against
// store.hpp. A backend joins by instantiating it with a factory:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
//       ::testing::Values(StoreBackend{"sqlite", open_my_store}), backend_name);
//
// The factory opens the backend's store for a test directory. Opening it twice
// for the same directory must reach the same data (the persistence tests close
// and reopen); a fresh directory must give an empty store.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "store/store.hpp"

namespace parley::store::testing {

// A fresh directory (mkdtemp), removed with everything in it when destroyed.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

using StoreFactory =
    std::function<std::unique_ptr<Store>(const std::filesystem::path& dir, const chat::Limits&)>;

struct StoreBackend {
  std::string name;
  StoreFactory open;
};

std::string backend_name(const ::testing::TestParamInfo<StoreBackend>& info);

// Runs one asynchronous store call and waits for its callback.
//   auto user = call<chat::User>([&](auto done) { store.create_user(nu, done); });
template <class T, class Start>
chat::Result<T> call(Start&& start) {
  auto promise = std::make_shared<std::promise<chat::Result<T>>>();
  auto future = promise->get_future();
  start(Callback<T>([promise](chat::Result<T> r) { promise->set_value(std::move(r)); }));
  return future.get();
}

// The Store interface, made synchronous for tests. Every method returns the result
// its callback received.
class SyncStore {
 public:
  explicit SyncStore(Store& store) : store_(&store) {}

  chat::Result<chat::User> create_user(NewUser u);
  chat::Result<chat::User> get_user(chat::UserId id);
  chat::Result<chat::User> find_user_by_name(std::string name);
  chat::Result<chat::User> find_user_by_identity(ExternalIdentity identity);
  chat::Result<chat::User> create_user_with_identity(NewUser u, ExternalIdentity identity);
  chat::Result<void> create_session(Session s);
  chat::Result<Session> get_session(std::string token_hash);
  chat::Result<void> delete_session(std::string token_hash);
  chat::Result<chat::Room> create_room(NewRoom r);
  chat::Result<chat::Room> get_room(chat::RoomId id);
  chat::Result<std::vector<chat::RoomSummary>> list_rooms(chat::UserId user);
  chat::Result<bool> is_member(chat::RoomId room, chat::UserId user);
  chat::Result<std::vector<chat::Member>> list_members(chat::RoomId room);
  chat::Result<chat::Room> direct_room(chat::UserRef a, chat::UserRef b);
  chat::Result<std::optional<chat::RoomId>> shared_direct_room(chat::UserId a, chat::UserId b);
  chat::Result<AppendResult> append(Command c);
  chat::Result<HistoryPage> history(HistoryQuery q);
  chat::Result<std::vector<chat::Event>> unread_direct_messages(chat::UserId user, int limit);
  chat::Result<chat::Seq> set_read(chat::RoomId room, chat::UserId user, chat::Seq seq);
  chat::Result<std::vector<MessageAnnotation>> annotations(chat::RoomId room, chat::Seq first,
                                                           chat::Seq last);
  chat::Result<void> create_invite(chat::RoomId room, chat::UserId creator, std::string token_hash,
                                   chat::TimeMs expires_at);
  chat::Result<AppendResult> redeem_invite(std::string token_hash, chat::UserRef user);
  chat::Result<std::int64_t> apply_retention();

  Store& raw() { return *store_; }

 private:
  Store* store_;
};

class StoreConformance : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Closes the store (flushing it) and opens it again on the same directory.
  void reopen(const chat::Limits& limits = {});
  // Opens the store with other limits (closing the current one first).
  void open(const chat::Limits& limits);

  // Helpers that fail the test on an error result.
  chat::User make_user(const std::string& name);
  chat::Room make_room(const chat::User& owner, const std::string& name = "general",
                       chat::Visibility visibility = chat::Visibility::public_room);
  void join(const chat::Room& room, const chat::User& user);
  chat::Event post(const chat::Room& room, const chat::User& author, const std::string& text,
                   const std::string& client_id = "");

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SyncStore> sync_;
};

}  // namespace parley::store::testing
