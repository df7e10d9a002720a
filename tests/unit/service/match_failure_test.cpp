// Matching's random-chat queue when the store fails after two users were paired:
// the one who was waiting is put back in the queue, and the one who asked gets the
// error (neither is dropped silently).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <optional>

#include "auth/jwt.hpp"
#include "bus/local_bus.hpp"
#include "metrics/metrics.hpp"
#include "service/services.hpp"

namespace parley::service {
namespace {

using chat::ErrorKind;

// A store that knows no rooms and cannot create one; anything else is unexpected.
class FailingStore final : public store::Store {
 public:
  int create_room_calls = 0;

  void list_rooms(chat::UserId, store::Callback<std::vector<chat::RoomSummary>> done) override {
    done(std::vector<chat::RoomSummary>{});
  }
  void create_room(store::NewRoom, store::Callback<chat::Room> done) override {
    ++create_room_calls;
    done(chat::fail(ErrorKind::unavailable, "database is locked"));
  }

  template <class T>
  static void no(store::Callback<T>& done) {
    ADD_FAILURE() << "unexpected store call";
    done(chat::fail(ErrorKind::internal, "unexpected"));
  }
  void create_user(store::NewUser, store::Callback<chat::User> d) override { no(d); }
  void get_user(chat::UserId, store::Callback<chat::User> d) override { no(d); }
  void find_user_by_name(std::string, store::Callback<chat::User> d) override { no(d); }
  void find_user_by_identity(store::ExternalIdentity, store::Callback<chat::User> d) override {
    no(d);
  }
  void create_user_with_identity(store::NewUser, store::ExternalIdentity,
                                 store::Callback<chat::User> d) override {
    no(d);
  }
  void create_session(store::Session, store::Callback<void> d) override { no(d); }
  void get_session(std::string, store::Callback<store::Session> d) override { no(d); }
  void delete_session(std::string, store::Callback<void> d) override { no(d); }
  void get_room(chat::RoomId, store::Callback<chat::Room> d) override { no(d); }
  void is_member(chat::RoomId, chat::UserId, store::Callback<bool> d) override { no(d); }
  void shared_direct_room(chat::UserId, chat::UserId,
                          store::Callback<std::optional<chat::RoomId>> d) override {
    no(d);
  }
  void list_members(chat::RoomId, store::Callback<std::vector<chat::Member>> d) override { no(d); }
  void direct_room(chat::UserRef, chat::UserRef, store::Callback<chat::Room> d) override { no(d); }
  void append(store::Command, store::Callback<store::AppendResult> d) override { no(d); }
  void history(store::HistoryQuery, store::Callback<store::HistoryPage> d) override { no(d); }
  void unread_direct_messages(chat::UserId, int,
                              store::Callback<std::vector<chat::Event>> d) override {
    no(d);
  }
  void annotations(chat::RoomId, chat::Seq, chat::Seq,
                   store::Callback<std::vector<store::MessageAnnotation>> d) override {
    no(d);
  }
  void create_invite(chat::RoomId, chat::UserId, std::string, chat::TimeMs,
                     store::Callback<void> d) override {
    no(d);
  }
  void redeem_invite(std::string, chat::UserRef, store::Callback<store::AppendResult> d) override {
    no(d);
  }
  void set_read(chat::RoomId, chat::UserId, chat::Seq, store::Callback<chat::Seq> d) override {
    no(d);
  }
  void apply_retention(store::Callback<std::int64_t> d) override { no(d); }
  void flush() override {}
};

Identity user(const std::string& id) {
  Identity who;
  who.user = chat::UserRef{id, id, ""};
  return who;
}

TEST(Matching, a_room_that_cannot_be_made_puts_the_waiting_user_back_and_fails_the_asker) {
  FailingStore store;
  bus::LocalBus bus;
  auth::JwtSigner jwt("test-secret", 60);
  metrics::Metrics metrics;
  SendRate send_rate(10, 20);
  boost::asio::thread_pool workers(1);
  Presence presence;
  Context context{store, bus, jwt, metrics, send_rate, workers, presence, Options{}};
  Services chat(context);
  // Both are connected: a match could reach them.
  presence.add("anna");
  presence.add("bert");

  boost::asio::io_context io;
  auto join = [&](const Identity& who) {
    std::optional<chat::Result<Matching::MatchResult>> out;
    boost::asio::co_spawn(io, chat.matching.join(who),
                          [&](std::exception_ptr e, chat::Result<Matching::MatchResult> r) {
                            if (e) std::rethrow_exception(e);
                            out = std::move(r);
                          });
    io.restart();
    io.run();
    return out;
  };

  const Identity anna = user("anna");
  const Identity bert = user("bert");
  auto waiting = join(anna);
  ASSERT_TRUE(waiting && *waiting);
  EXPECT_FALSE((*waiting)->matched);

  auto failed = join(bert);
  ASSERT_TRUE(failed);
  EXPECT_EQ(store.create_room_calls, 1) << "the two were paired";
  ASSERT_FALSE(*failed) << "bert is told the match failed";
  EXPECT_EQ(failed->error().kind, ErrorKind::unavailable);

  // Anna waits again, bert is not waiting, and neither is stuck "being paired":
  // bert may simply ask again (and is paired with anna again).
  auto again = join(bert);
  ASSERT_TRUE(again);
  EXPECT_EQ(store.create_room_calls, 2) << "anna was back in the queue";
  EXPECT_FALSE(*again);
  EXPECT_TRUE(chat.matching.leave("anna")) << "anna is still waiting after the second failure";
  EXPECT_FALSE(chat.matching.leave("bert"));
}

}  // namespace
}  // namespace parley::service
