// The Store conformance tests (see store_conformance.hpp). Written only against
// store.hpp: nothing here may know which backend it runs on.
#include "store_conformance.hpp"

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <mutex>
#include <set>
#include <thread>

#include "chat/validate.hpp"
#include "store/clock.hpp"

namespace parley::store::testing {

using chat::ErrorKind;

// ---- fixture and helpers ----------------------------------------------------

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "parley-store-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string backend_name(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

chat::Result<chat::User> SyncStore::create_user(NewUser u) {
  return call<chat::User>([&](auto done) { store_->create_user(std::move(u), done); });
}
chat::Result<chat::User> SyncStore::get_user(chat::UserId id) {
  return call<chat::User>([&](auto done) { store_->get_user(std::move(id), done); });
}
chat::Result<chat::User> SyncStore::find_user_by_name(std::string name) {
  return call<chat::User>([&](auto done) { store_->find_user_by_name(std::move(name), done); });
}
chat::Result<chat::User> SyncStore::find_user_by_identity(ExternalIdentity identity) {
  return call<chat::User>(
      [&](auto done) { store_->find_user_by_identity(std::move(identity), done); });
}
chat::Result<chat::User> SyncStore::create_user_with_identity(NewUser u,
                                                              ExternalIdentity identity) {
  return call<chat::User>([&](auto done) {
    store_->create_user_with_identity(std::move(u), std::move(identity), done);
  });
}
chat::Result<void> SyncStore::create_session(Session s) {
  return call<void>([&](auto done) { store_->create_session(std::move(s), done); });
}
chat::Result<Session> SyncStore::get_session(std::string token_hash) {
  return call<Session>([&](auto done) { store_->get_session(std::move(token_hash), done); });
}
chat::Result<void> SyncStore::delete_session(std::string token_hash) {
  return call<void>([&](auto done) { store_->delete_session(std::move(token_hash), done); });
}
chat::Result<chat::Room> SyncStore::create_room(NewRoom r) {
  return call<chat::Room>([&](auto done) { store_->create_room(std::move(r), done); });
}
chat::Result<chat::Room> SyncStore::get_room(chat::RoomId id) {
  return call<chat::Room>([&](auto done) { store_->get_room(std::move(id), done); });
}
chat::Result<std::vector<chat::RoomSummary>> SyncStore::list_rooms(chat::UserId user) {
  return call<std::vector<chat::RoomSummary>>(
      [&](auto done) { store_->list_rooms(std::move(user), done); });
}
chat::Result<bool> SyncStore::is_member(chat::RoomId room, chat::UserId user) {
  return call<bool>([&](auto done) { store_->is_member(std::move(room), std::move(user), done); });
}
chat::Result<std::vector<chat::Member>> SyncStore::list_members(chat::RoomId room) {
  return call<std::vector<chat::Member>>(
      [&](auto done) { store_->list_members(std::move(room), done); });
}
chat::Result<chat::Room> SyncStore::direct_room(chat::UserRef a, chat::UserRef b) {
  return call<chat::Room>(
      [&](auto done) { store_->direct_room(std::move(a), std::move(b), done); });
}
chat::Result<std::optional<chat::RoomId>> SyncStore::shared_direct_room(chat::UserId a,
                                                                        chat::UserId b) {
  return call<std::optional<chat::RoomId>>(
      [&](auto done) { store_->shared_direct_room(std::move(a), std::move(b), done); });
}

chat::Result<std::vector<chat::Event>> SyncStore::unread_direct_messages(chat::UserId user,
                                                                         int limit) {
  return call<std::vector<chat::Event>>(
      [&](auto done) { store_->unread_direct_messages(std::move(user), limit, done); });
}
chat::Result<AppendResult> SyncStore::append(Command c) {
  return call<AppendResult>([&](auto done) { store_->append(std::move(c), done); });
}
chat::Result<HistoryPage> SyncStore::history(HistoryQuery q) {
  return call<HistoryPage>([&](auto done) { store_->history(std::move(q), done); });
}
chat::Result<chat::Seq> SyncStore::set_read(chat::RoomId room, chat::UserId user, chat::Seq seq) {
  return call<chat::Seq>(
      [&](auto done) { store_->set_read(std::move(room), std::move(user), seq, done); });
}

chat::Result<std::vector<MessageAnnotation>> SyncStore::annotations(chat::RoomId room,
                                                                    chat::Seq first,
                                                                    chat::Seq last) {
  return call<std::vector<MessageAnnotation>>(
      [&](auto done) { store_->annotations(std::move(room), first, last, done); });
}
chat::Result<void> SyncStore::create_invite(chat::RoomId room, chat::UserId creator,
                                            std::string token_hash, chat::TimeMs expires_at) {
  return call<void>([&](auto done) {
    store_->create_invite(std::move(room), std::move(creator), std::move(token_hash), expires_at,
                          done);
  });
}
chat::Result<AppendResult> SyncStore::redeem_invite(std::string token_hash, chat::UserRef user) {
  return call<AppendResult>(
      [&](auto done) { store_->redeem_invite(std::move(token_hash), std::move(user), done); });
}

chat::Result<std::int64_t> SyncStore::apply_retention() {
  return call<std::int64_t>([&](auto done) { store_->apply_retention(done); });
}

void StoreConformance::SetUp() {
  open({});
}

void StoreConformance::TearDown() {
  sync_.reset();
  store_.reset();
}

void StoreConformance::open(const chat::Limits& limits) {
  sync_.reset();
  store_.reset();  // closes (and drains) the previous store first
  store_ = GetParam().open(dir_.path(), limits);
  ASSERT_NE(store_, nullptr);
  sync_ = std::make_unique<SyncStore>(*store_);
}

void StoreConformance::reopen(const chat::Limits& limits) {
  store_->flush();
  open(limits);
}

chat::User StoreConformance::make_user(const std::string& name) {
  auto user = sync_->create_user({.name = name, .password_hash = "hash-of-" + name});
  EXPECT_TRUE(user) << user.error().message;
  return chat::value_or(user, chat::User{});
}

chat::Room StoreConformance::make_room(const chat::User& owner, const std::string& name,
                                       chat::Visibility visibility) {
  auto room = sync_->create_room({.name = name,
                                  .kind = chat::RoomKind::group,
                                  .visibility = visibility,
                                  .owner = owner.ref()});
  EXPECT_TRUE(room) << room.error().message;
  return chat::value_or(room, chat::Room{});
}

void StoreConformance::join(const chat::Room& room, const chat::User& user) {
  auto r = sync_->append(JoinRoom{.room = room.id, .user = user.ref()});
  ASSERT_TRUE(r) << r.error().message;
}

chat::Event StoreConformance::post(const chat::Room& room, const chat::User& author,
                                   const std::string& text, const std::string& client_id) {
  auto r = sync_->append(PostMessage{.room = room.id,
                                     .author = author.ref(),
                                     .text = text,
                                     .html = "<p>" + text + "</p>",
                                     .client_id = client_id});
  EXPECT_TRUE(r) << r.error().message;
  if (!r || !r->event) return {};
  return *r->event;
}

namespace {

HistoryPage all_events(SyncStore& s, const chat::RoomId& room) {
  HistoryPage out;
  chat::Seq after = 0;
  for (;;) {
    auto page = s.history({.room = room, .after = after, .limit = 100});
    EXPECT_TRUE(page) << page.error().message;
    if (!page) return out;
    out.earliest_seq = page->earliest_seq;
    out.last_seq = page->last_seq;
    out.events.insert(out.events.end(), page->events.begin(), page->events.end());
    if (!page->has_more || page->events.empty()) return out;
    after = page->events.back().seq;
  }
}

std::vector<chat::Seq> seqs_of(const std::vector<chat::Event>& events) {
  std::vector<chat::Seq> out;
  for (const auto& e : events) out.push_back(e.seq);
  return out;
}

std::vector<chat::Seq> range(chat::Seq first, chat::Seq last) {
  std::vector<chat::Seq> out;
  for (chat::Seq s = first; s <= last; ++s) out.push_back(s);
  return out;
}

const chat::RoomSummary* find_summary(const std::vector<chat::RoomSummary>& rooms,
                                      const chat::RoomId& id) {
  for (const auto& s : rooms) {
    if (s.room.id == id) return &s;
  }
  return nullptr;
}

}  // namespace

// ---- users and sessions -----------------------------------------------------

TEST_P(StoreConformance, creates_user_and_finds_it_by_id_and_by_name_in_any_case) {
  auto created = sync_->create_user(
      {.name = "Alice", .password_hash = "h", .provider = "password", .avatar_url = "/a.png"});
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->name, "Alice");
  EXPECT_EQ(created->provider, "password");
  EXPECT_GT(created->created_at, 0);

  auto by_id = sync_->get_user(created->id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->name, "Alice");
  EXPECT_EQ(by_id->password_hash, "h");
  EXPECT_EQ(by_id->avatar_url, "/a.png");
  EXPECT_EQ(by_id->created_at, created->created_at);

  auto by_name = sync_->find_user_by_name("aLICE");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->id, created->id);
  EXPECT_EQ(by_name->name, "Alice");
}

TEST_P(StoreConformance, user_ids_are_opaque_valid_and_distinct) {
  std::set<chat::UserId> ids;
  for (int i = 0; i < 20; ++i) {
    const auto u = make_user("user" + std::to_string(i));
    EXPECT_TRUE(chat::is_valid_id(u.id)) << u.id;
    EXPECT_GE(u.id.size(), 16u);
    ids.insert(u.id);
  }
  EXPECT_EQ(ids.size(), 20u);
}

TEST_P(StoreConformance, taken_name_is_a_conflict_regardless_of_case) {
  make_user("bob");
  auto again = sync_->create_user({.name = "BOB"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::conflict);
}

TEST_P(StoreConformance, unknown_user_is_not_found) {
  auto by_id = sync_->get_user("nobody0000000000000");
  ASSERT_FALSE(by_id);
  EXPECT_EQ(by_id.error().kind, ErrorKind::not_found);
  auto by_name = sync_->find_user_by_name("nobody");
  ASSERT_FALSE(by_name);
  EXPECT_EQ(by_name.error().kind, ErrorKind::not_found);
}

TEST_P(StoreConformance, identity_links_a_new_user_and_later_finds_the_same_user) {
  const ExternalIdentity gh{.provider = "github", .subject = "4242"};
  auto none = sync_->find_user_by_identity(gh);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::not_found);

  auto created = sync_->create_user_with_identity(
      {.name = "octo", .provider = "github", .avatar_url = "https://example.com/o.png"}, gh);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->name, "octo");
  EXPECT_EQ(created->provider, "github");
  EXPECT_EQ(created->avatar_url, "https://example.com/o.png");
  EXPECT_TRUE(created->password_hash.empty());

  auto found = sync_->find_user_by_identity(gh);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, created->id);
  EXPECT_EQ(found->name, "octo");
}

TEST_P(StoreConformance, identity_is_per_provider_and_subject) {
  auto gh = sync_->create_user_with_identity({.name = "gh-7", .provider = "github"},
                                             {.provider = "github", .subject = "7"});
  auto dc = sync_->create_user_with_identity({.name = "dc-7", .provider = "discord"},
                                             {.provider = "discord", .subject = "7"});
  ASSERT_TRUE(gh && dc);
  EXPECT_NE(gh->id, dc->id);
  auto other = sync_->find_user_by_identity({.provider = "github", .subject = "8"});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, ErrorKind::not_found);
}

TEST_P(StoreConformance, linking_an_already_linked_identity_returns_its_user_and_creates_none) {
  const ExternalIdentity id{.provider = "google", .subject = "sub-1"};
  auto first = sync_->create_user_with_identity({.name = "ada", .provider = "google"}, id);
  ASSERT_TRUE(first);
  auto second = sync_->create_user_with_identity({.name = "ada-2", .provider = "google"}, id);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->id, first->id);
  auto not_made = sync_->find_user_by_name("ada-2");
  ASSERT_FALSE(not_made);
  EXPECT_EQ(not_made.error().kind, ErrorKind::not_found);
}

TEST_P(StoreConformance, identity_with_a_taken_name_is_a_conflict_and_links_nothing) {
  make_user("taken");
  const ExternalIdentity id{.provider = "github", .subject = "99"};
  auto clash = sync_->create_user_with_identity({.name = "TAKEN", .provider = "github"}, id);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().kind, ErrorKind::conflict);
  auto none = sync_->find_user_by_identity(id);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::not_found);
}

TEST_P(StoreConformance, identities_survive_close_and_reopen) {
  const ExternalIdentity id{.provider = "discord", .subject = "80351110224678912"};
  auto created = sync_->create_user_with_identity({.name = "nelly", .provider = "discord"}, id);
  ASSERT_TRUE(created);
  reopen();
  auto found = sync_->find_user_by_identity(id);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, created->id);
}

TEST_P(StoreConformance, session_round_trips_and_is_gone_after_delete) {
  const auto u = make_user("carol");
  const chat::TimeMs expires = now_ms() + 3'600'000;
  ASSERT_TRUE(
      sync_->create_session({.token_hash = "abc123", .user_id = u.id, .expires_at = expires}));
  auto s = sync_->get_session("abc123");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->user_id, u.id);
  EXPECT_EQ(s->expires_at, expires);
  EXPECT_EQ(s->token_hash, "abc123");

  ASSERT_TRUE(sync_->delete_session("abc123"));
  auto gone = sync_->get_session("abc123");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, ErrorKind::not_found);
  EXPECT_TRUE(sync_->delete_session("never-existed"));  // deleting is idempotent
}

TEST_P(StoreConformance, expired_session_is_not_found) {
  const auto u = make_user("dave");
  ASSERT_TRUE(
      sync_->create_session({.token_hash = "old", .user_id = u.id, .expires_at = now_ms() - 1}));
  auto s = sync_->get_session("old");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::not_found);
}

// ---- rooms ------------------------------------------------------------------

TEST_P(StoreConformance, new_room_logs_its_owner_joining_as_seq_1) {
  const auto owner = make_user("owner");
  const auto room = make_room(owner, "general");
  EXPECT_TRUE(chat::is_valid_id(room.id));
  EXPECT_EQ(room.name, "general");
  EXPECT_EQ(room.kind, chat::RoomKind::group);
  EXPECT_EQ(room.visibility, chat::Visibility::public_room);
  EXPECT_EQ(room.owner_id, owner.id);
  EXPECT_EQ(room.last_seq, 1);
  EXPECT_EQ(room.members_count, 1);

  auto page = sync_->history({.room = room.id});
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->events.size(), 1u);
  const chat::Event& e = page->events[0];
  EXPECT_EQ(e.seq, 1);
  EXPECT_EQ(e.room, room.id);
  EXPECT_EQ(e.kind, chat::EventKind::member);
  EXPECT_EQ(e.action, chat::MemberAction::joined);
  EXPECT_EQ(e.member.id, owner.id);
  EXPECT_EQ(e.member.name, "owner");
  EXPECT_GT(e.created_at, 0);
  EXPECT_EQ(page->earliest_seq, 1);
  EXPECT_EQ(page->last_seq, 1);
  EXPECT_FALSE(page->has_more);

  auto fetched = sync_->get_room(room.id);
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->name, "general");
  EXPECT_EQ(fetched->last_seq, 1);
  EXPECT_EQ(fetched->members_count, 1);
  EXPECT_EQ(fetched->created_at, room.created_at);
  EXPECT_TRUE(chat::value_or(sync_->is_member(room.id, owner.id), false));
}

TEST_P(StoreConformance, unknown_room_is_not_found_everywhere) {
  const auto u = make_user("erin");
  const chat::RoomId missing = "noSuchRoom000000000000";
  EXPECT_EQ(sync_->get_room(missing).error().kind, ErrorKind::not_found);
  EXPECT_EQ(sync_->history({.room = missing}).error().kind, ErrorKind::not_found);
  EXPECT_EQ(sync_->list_members(missing).error().kind, ErrorKind::not_found);
  EXPECT_EQ(
      sync_->append(PostMessage{.room = missing, .author = u.ref(), .text = "x"}).error().kind,
      ErrorKind::not_found);
  EXPECT_EQ(sync_->append(JoinRoom{.room = missing, .user = u.ref()}).error().kind,
            ErrorKind::not_found);
  EXPECT_EQ(sync_->set_read(missing, u.id, 1).error().kind, ErrorKind::not_found);
  EXPECT_FALSE(chat::value_or(sync_->is_member(missing, u.id), true));
}

TEST_P(StoreConformance, join_adds_member_once_and_leave_of_non_member_is_not_found) {
  const auto owner = make_user("owner");
  const auto guest = make_user("guest");
  const auto room = make_room(owner);

  auto joined = sync_->append(JoinRoom{.room = room.id, .user = guest.ref()});
  ASSERT_TRUE(joined);
  ASSERT_TRUE(joined->event);
  EXPECT_EQ(joined->event->seq, 2);
  EXPECT_EQ(joined->event->kind, chat::EventKind::member);
  EXPECT_EQ(joined->event->member.id, guest.id);
  EXPECT_EQ(joined->room.members_count, 2);
  EXPECT_EQ(joined->room.last_seq, 2);

  auto again = sync_->append(JoinRoom{.room = room.id, .user = guest.ref()});
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->event);
  EXPECT_EQ(again->room.last_seq, 2);
  EXPECT_EQ(again->room.members_count, 2);

  auto left = sync_->append(LeaveRoom{.room = room.id, .user = guest.ref()});
  ASSERT_TRUE(left);
  ASSERT_TRUE(left->event);
  EXPECT_EQ(left->event->seq, 3);
  EXPECT_EQ(left->event->action, chat::MemberAction::left);
  EXPECT_EQ(left->room.members_count, 1);
  EXPECT_FALSE(chat::value_or(sync_->is_member(room.id, guest.id), true));

  auto not_member = sync_->append(LeaveRoom{.room = room.id, .user = guest.ref()});
  ASSERT_FALSE(not_member);
  EXPECT_EQ(not_member.error().kind, ErrorKind::not_found);
}

TEST_P(StoreConformance, list_members_names_the_owner_and_read_markers) {
  const auto owner = make_user("owner");
  const auto guest = make_user("guest");
  const auto room = make_room(owner);
  join(room, guest);
  auto members = sync_->list_members(room.id);
  ASSERT_TRUE(members);
  ASSERT_EQ(members->size(), 2u);
  std::sort(members->begin(), members->end(),
            [](const auto& a, const auto& b) { return a.user.name > b.user.name; });
  EXPECT_EQ((*members)[0].user.id, owner.id);
  EXPECT_EQ((*members)[0].user.name, "owner");
  EXPECT_TRUE((*members)[0].owner);
  EXPECT_EQ((*members)[1].user.id, guest.id);
  EXPECT_FALSE((*members)[1].owner);
  EXPECT_EQ((*members)[1].read_seq, 2);  // joining marks everything before as read
}

TEST_P(StoreConformance, last_member_leaving_deletes_a_group_room_and_its_log) {
  const auto owner = make_user("owner");
  const auto room = make_room(owner);
  post(room, owner, "soon gone");
  auto left = sync_->append(LeaveRoom{.room = room.id, .user = owner.ref()});
  ASSERT_TRUE(left) << left.error().message;
  EXPECT_EQ(left->room.members_count, 0);
  EXPECT_EQ(sync_->get_room(room.id).error().kind, ErrorKind::not_found);
  EXPECT_EQ(sync_->history({.room = room.id}).error().kind, ErrorKind::not_found);
  auto rooms = sync_->list_rooms(owner.id);
  ASSERT_TRUE(rooms);
  EXPECT_EQ(find_summary(*rooms, room.id), nullptr);
}

TEST_P(StoreConformance, private_room_is_listed_only_for_its_members) {
  const auto owner = make_user("owner");
  const auto outsider = make_user("outsider");
  const auto secret = make_room(owner, "secret", chat::Visibility::private_room);
  const auto open = make_room(owner, "open");

  auto for_owner = sync_->list_rooms(owner.id);
  ASSERT_TRUE(for_owner);
  EXPECT_NE(find_summary(*for_owner, secret.id), nullptr);
  EXPECT_NE(find_summary(*for_owner, open.id), nullptr);

  auto for_outsider = sync_->list_rooms(outsider.id);
  ASSERT_TRUE(for_outsider);
  EXPECT_EQ(find_summary(*for_outsider, secret.id), nullptr);
  const auto* listed = find_summary(*for_outsider, open.id);
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(listed->unread, 0);  // not a member: nothing is "unread"

  join(secret, outsider);  // added by the caller's decision (e.g. the owner invited them)
  for_outsider = sync_->list_rooms(outsider.id);
  ASSERT_TRUE(for_outsider);
  EXPECT_NE(find_summary(*for_outsider, secret.id), nullptr);
}

TEST_P(StoreConformance, list_rooms_counts_unread_and_orders_by_latest_activity) {
  ScopedClock clock(1'700'000'000'000);
  const auto alice = make_user("alice");
  const auto bob = make_user("bob");
  const auto quiet = make_room(alice, "quiet");
  const auto busy = make_room(alice, "busy");
  join(quiet, bob);
  join(busy, bob);
  post(busy, alice, "one");
  post(busy, alice, "two");
  post(busy, alice, "three");
  clock.advance(5);  // distinct activity times
  post(quiet, alice, "now the quiet room is the newest");

  auto rooms = sync_->list_rooms(bob.id);
  ASSERT_TRUE(rooms);
  ASSERT_GE(rooms->size(), 2u);
  EXPECT_EQ((*rooms)[0].room.id, quiet.id);
  EXPECT_EQ((*rooms)[1].room.id, busy.id);
  const auto* b = find_summary(*rooms, busy.id);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->room.last_seq, 5);
  EXPECT_EQ(b->read_seq, 2);
  EXPECT_EQ(b->unread, 3);

  // The author's own messages are not unread to them.
  auto for_alice = sync_->list_rooms(alice.id);
  ASSERT_TRUE(for_alice);
  EXPECT_EQ(find_summary(*for_alice, busy.id)->unread, 0);

  ASSERT_TRUE(sync_->set_read(busy.id, bob.id, 4));
  rooms = sync_->list_rooms(bob.id);
  EXPECT_EQ(find_summary(*rooms, busy.id)->unread, 1);
}

TEST_P(StoreConformance, unread_counts_only_live_messages_from_others) {
  const auto alice = make_user("alice");
  const auto bob = make_user("bob");
  const auto carol = make_user("carol");
  const auto room = make_room(alice, "lively");
  join(room, bob);  // bob's marker starts at his join event
  const auto first = post(room, alice, "one for bob");
  post(room, alice, "two for bob");
  join(room, carol);  // a join is not a message
  ASSERT_TRUE(sync_->append(EditMessage{
      .room = room.id, .actor = alice.id, .target_seq = first.seq, .text = "one for bob, edited"}));
  ASSERT_TRUE(sync_->append(
      ToggleReaction{.room = room.id, .actor = carol.id, .target_seq = first.seq, .emoji = "🎉"}));
  const auto doomed = post(room, carol, "soon gone");
  ASSERT_TRUE(
      sync_->append(DeleteMessage{.room = room.id, .actor = carol.id, .target_seq = doomed.seq}));
  ASSERT_TRUE(sync_->append(LeaveRoom{.room = room.id, .user = carol.ref()}));

  auto rooms = sync_->list_rooms(bob.id);
  ASSERT_TRUE(rooms);
  const auto* summary = find_summary(*rooms, room.id);
  ASSERT_NE(summary, nullptr);
  EXPECT_GT(summary->room.last_seq - summary->read_seq, 2);  // many events, ...
  EXPECT_EQ(summary->unread, 2);  // ... two of them messages from others, still there

  // Reading past the first message leaves the second.
  ASSERT_TRUE(sync_->set_read(room.id, bob.id, first.seq));
  rooms = sync_->list_rooms(bob.id);
  EXPECT_EQ(find_summary(*rooms, room.id)->unread, 1);
}

// ---- direct rooms -----------------------------------------------------------

TEST_P(StoreConformance, direct_room_is_the_same_from_both_sides) {
  const auto a = make_user("anna");
  const auto b = make_user("bert");
  auto ab = sync_->direct_room(a.ref(), b.ref());
  ASSERT_TRUE(ab) << ab.error().message;
  auto ba = sync_->direct_room(b.ref(), a.ref());
  ASSERT_TRUE(ba);
  EXPECT_EQ(ab->id, ba->id);
  EXPECT_EQ(ab->kind, chat::RoomKind::direct);
  EXPECT_EQ(ab->visibility, chat::Visibility::private_room);
  EXPECT_EQ(ba->members_count, 2);
  EXPECT_TRUE(chat::value_or(sync_->is_member(ab->id, a.id), false));
  EXPECT_TRUE(chat::value_or(sync_->is_member(ab->id, b.id), false));

  const auto c = make_user("carl");
  auto others = sync_->list_rooms(c.id);
  ASSERT_TRUE(others);
  EXPECT_EQ(find_summary(*others, ab->id), nullptr);
}

TEST_P(StoreConformance, shared_direct_room_finds_without_creating_and_only_while_both_are_in) {
  const auto a = make_user("anna");
  const auto b = make_user("bert");
  const auto c = make_user("carl");
  auto none = sync_->shared_direct_room(a.id, b.id);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(*none, std::nullopt) << "no room before one is made";
  EXPECT_TRUE(sync_->list_rooms(a.id)->empty()) << "looking created nothing";

  auto ab = sync_->direct_room(a.ref(), b.ref());
  ASSERT_TRUE(ab);
  EXPECT_EQ(*sync_->shared_direct_room(a.id, b.id), ab->id);
  EXPECT_EQ(*sync_->shared_direct_room(b.id, a.id), ab->id) << "from either side";
  EXPECT_EQ(*sync_->shared_direct_room(a.id, c.id), std::nullopt) << "another pair has none";

  // One side leaves: the two no longer share it, until direct_room brings them back.
  ASSERT_TRUE(sync_->append(LeaveRoom{.room = ab->id, .user = b.ref()}));
  EXPECT_EQ(*sync_->shared_direct_room(a.id, b.id), std::nullopt);
  ASSERT_TRUE(sync_->direct_room(b.ref(), a.ref()));
  EXPECT_EQ(*sync_->shared_direct_room(a.id, b.id), ab->id);
}

TEST_P(StoreConformance, unread_direct_messages_are_the_peers_messages_after_the_marker) {
  const auto a = make_user("anna");
  const auto b = make_user("bert");
  const auto c = make_user("carl");
  auto ab = sync_->direct_room(a.ref(), b.ref());
  auto cb = sync_->direct_room(c.ref(), b.ref());
  ASSERT_TRUE(ab && cb);
  const auto a1 = post(*ab, a, "from anna 1");
  const auto c1 = post(*cb, c, "from carl");
  const auto a2 = post(*ab, a, "from anna 2");
  // A group room's messages are not direct messages.
  const auto group = make_room(a);
  join(group, b);
  post(group, a, "to everyone");

  // Oldest first by time; messages of different rooms written in the same
  // millisecond may come in either order, those of one room always by seq.
  auto in_room = [](const std::vector<chat::Event>& list, const chat::RoomId& room) {
    std::vector<chat::Seq> seqs;
    for (const auto& e : list) {
      if (e.room == room) seqs.push_back(e.seq);
    }
    return seqs;
  };
  auto waiting = sync_->unread_direct_messages(b.id, 100);
  ASSERT_TRUE(waiting) << waiting.error().message;
  ASSERT_EQ(waiting->size(), 3u);
  EXPECT_EQ(in_room(*waiting, ab->id), (std::vector<chat::Seq>{a1.seq, a2.seq}));
  EXPECT_EQ(in_room(*waiting, cb->id), (std::vector<chat::Seq>{c1.seq}));
  for (std::size_t i = 0; i < waiting->size(); ++i) {
    EXPECT_EQ((*waiting)[i].kind, chat::EventKind::message);
    if (i > 0) {
      EXPECT_LE((*waiting)[i - 1].created_at, (*waiting)[i].created_at);
    }
  }
  EXPECT_EQ(
      chat::value_or(sync_->unread_direct_messages(b.id, 1), std::vector<chat::Event>{}).size(),
      1u);

  // Reading anna's room up to her first message leaves the second.
  ASSERT_TRUE(sync_->set_read(ab->id, b.id, a1.seq));
  waiting = sync_->unread_direct_messages(b.id, 100);
  ASSERT_TRUE(waiting);
  ASSERT_EQ(waiting->size(), 2u);
  EXPECT_EQ(in_room(*waiting, ab->id), (std::vector<chat::Seq>{a2.seq}));
  EXPECT_EQ(in_room(*waiting, cb->id), (std::vector<chat::Seq>{c1.seq}));

  // Replying moves the author's own marker past what it answers; anna now has
  // bert's reply waiting, and never her own messages.
  const auto reply = post(*ab, b, "bert's reply");
  waiting = sync_->unread_direct_messages(b.id, 100);
  ASSERT_TRUE(waiting);
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ((*waiting)[0].seq, c1.seq);
  auto for_anna = sync_->unread_direct_messages(a.id, 100);
  ASSERT_TRUE(for_anna);
  ASSERT_EQ(for_anna->size(), 1u);
  EXPECT_EQ((*for_anna)[0].seq, reply.seq);
}

TEST_P(StoreConformance, unread_direct_messages_leave_out_deleted_and_read_as_edited) {
  const auto a = make_user("anna");
  const auto b = make_user("bert");
  auto ab = sync_->direct_room(a.ref(), b.ref());
  ASSERT_TRUE(ab);
  const auto kept = post(*ab, a, "typo");
  const auto gone = post(*ab, a, "oops, wrong person");
  const auto plain = post(*ab, a, "plain");
  ASSERT_TRUE(sync_->append(
      EditMessage{.room = ab->id, .actor = a.id, .target_seq = kept.seq, .text = "fixed once"}));
  ASSERT_TRUE(sync_->append(EditMessage{.room = ab->id,
                                        .actor = a.id,
                                        .target_seq = kept.seq,
                                        .text = "fixed twice",
                                        .html = "<p>fixed twice</p>"}));
  ASSERT_TRUE(sync_->append(DeleteMessage{.room = ab->id, .actor = a.id, .target_seq = gone.seq}));

  auto waiting = sync_->unread_direct_messages(b.id, 100);
  ASSERT_TRUE(waiting) << waiting.error().message;
  // Deleted: not offered at all (not as an empty message). Edited: its latest text.
  ASSERT_EQ(seqs_of(*waiting), (std::vector<chat::Seq>{kept.seq, plain.seq}));
  EXPECT_EQ((*waiting)[0].text, "fixed twice");
  EXPECT_EQ((*waiting)[0].html, "<p>fixed twice</p>");
  EXPECT_EQ((*waiting)[1].text, "plain");
  // The limit counts what is offered: the deleted message takes no place.
  auto first = sync_->unread_direct_messages(b.id, 1);
  ASSERT_TRUE(first);
  EXPECT_EQ(seqs_of(*first), (std::vector<chat::Seq>{kept.seq}));
}

TEST_P(StoreConformance, retention_never_drops_a_direct_message_before_it_is_read) {
  chat::Limits limits;
  limits.max_msgs = 3;
  open(limits);
  const auto a = make_user("anna");
  const auto b = make_user("bert");
  auto ab = sync_->direct_room(a.ref(), b.ref());
  ASSERT_TRUE(ab);
  std::vector<chat::Seq> sent;
  for (int i = 0; i < 8; ++i) sent.push_back(post(*ab, a, "m" + std::to_string(i)).seq);

  // Bert has read none of them: all eight wait for him, and history still has them.
  auto waiting = sync_->unread_direct_messages(b.id, 100);
  ASSERT_TRUE(waiting);
  EXPECT_EQ(seqs_of(*waiting), sent);
  auto page = sync_->history({.room = ab->id, .limit = 100});
  ASSERT_TRUE(page);
  EXPECT_LE(page->earliest_seq, sent.front());

  // Once he has read up to the sixth, retention applies again to what both have
  // read, and keeps the newest max_msgs events as for any room.
  ASSERT_TRUE(sync_->set_read(ab->id, b.id, sent[5]));
  const auto last = post(*ab, a, "after reading");
  waiting = sync_->unread_direct_messages(b.id, 100);
  ASSERT_TRUE(waiting);
  EXPECT_EQ(seqs_of(*waiting), (std::vector<chat::Seq>{sent[6], sent[7], last.seq}));
  page = sync_->history({.room = ab->id, .limit = 100});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->earliest_seq, last.seq - 2);
  EXPECT_EQ(seqs_of(page->events), range(last.seq - 2, last.seq));

  // A group room is not held back by unread markers.
  const auto group = make_room(a);
  join(group, b);
  for (int i = 0; i < 8; ++i) post(group, a, "g" + std::to_string(i));
  auto gpage = sync_->history({.room = group.id, .limit = 100});
  ASSERT_TRUE(gpage);
  EXPECT_EQ(gpage->events.size(), 3u);
}

TEST_P(StoreConformance, concurrent_direct_room_calls_create_one_room) {
  const auto a = make_user("anna");
  const auto b = make_user("bert");
  constexpr int k_threads = 8;
  std::vector<chat::RoomId> ids(k_threads);
  std::vector<std::thread> threads;
  std::latch start(k_threads);
  for (int i = 0; i < k_threads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = i % 2 ? sync_->direct_room(a.ref(), b.ref()) : sync_->direct_room(b.ref(), a.ref());
      if (r) ids[i] = r->id;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
  auto rooms = sync_->list_rooms(a.id);
  ASSERT_TRUE(rooms);
  int direct = 0;
  for (const auto& s : *rooms) direct += s.room.kind == chat::RoomKind::direct;
  EXPECT_EQ(direct, 1);
  auto room = sync_->get_room(ids[0]);
  ASSERT_TRUE(room);
  EXPECT_EQ(room->members_count, 2);
}

// ---- the room log -----------------------------------------------------------

TEST_P(StoreConformance, posting_requires_membership) {
  const auto owner = make_user("owner");
  const auto stranger = make_user("stranger");
  const auto room = make_room(owner);
  auto r = sync_->append(PostMessage{.room = room.id, .author = stranger.ref(), .text = "hi"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::forbidden);
  EXPECT_EQ(sync_->get_room(room.id)->last_seq, 1);  // nothing was appended
}

TEST_P(StoreConformance, message_is_stored_as_posted) {
  const auto owner = make_user("owner");
  const auto room = make_room(owner);
  PostMessage m{.room = room.id,
                .author = owner.ref(),
                .text = "hello *world* <b>",
                .html = "<p>hello <em>world</em> &lt;b&gt;</p>",
                .attachments = {{"/u/1.png", "image/png", "cat.png", 1234},
                                {"/u/2.pdf", "application/pdf", "doc \"x\".pdf", 99}},
                .client_id = "c-1"};
  auto r = sync_->append(m);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->event);
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->event->seq, 2);
  EXPECT_EQ(r->room.last_seq, 2);

  auto page = sync_->history({.room = room.id});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->events.size(), 2u);
  const chat::Event& e = page->events[1];
  EXPECT_EQ(e, *r->event);
  EXPECT_EQ(e.kind, chat::EventKind::message);
  EXPECT_EQ(e.author, owner.ref());
  EXPECT_EQ(e.text, m.text);
  EXPECT_EQ(e.html, m.html);
  EXPECT_EQ(e.attachments, m.attachments);
  EXPECT_EQ(e.client_id, "c-1");
}

TEST_P(StoreConformance, seq_is_dense_under_concurrent_appends_to_one_room) {
  constexpr int k_threads = 8;
  constexpr int k_per_thread = 250;
  const auto owner = make_user("owner");
  const auto room = make_room(owner);
  std::vector<chat::User> users;
  for (int i = 0; i < k_threads; ++i) {
    users.push_back(make_user("writer" + std::to_string(i)));
    join(room, users.back());
  }
  const chat::Seq before = sync_->get_room(room.id)->last_seq;

  std::mutex mutex;
  std::vector<chat::Seq> seqs;
  std::atomic<int> failures{0};
  std::latch all_done(k_threads * k_per_thread);
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < k_per_thread; ++i) {
        store_->append(PostMessage{.room = room.id,
                                   .author = users[t].ref(),
                                   .text = "m" + std::to_string(i),
                                   .client_id = std::to_string(t) + "-" + std::to_string(i)},
                       [&](chat::Result<AppendResult> r) {
                         if (r && r->event && !r->duplicate) {
                           std::lock_guard lock(mutex);
                           seqs.push_back(r->event->seq);
                         } else {
                           ++failures;
                         }
                         all_done.count_down();
                       });
      }
    });
  }
  for (auto& t : threads) t.join();
  all_done.wait();

  EXPECT_EQ(failures.load(), 0);
  std::sort(seqs.begin(), seqs.end());
  EXPECT_EQ(seqs, range(before + 1, before + k_threads * k_per_thread));
  const auto log = all_events(*sync_, room.id);
  EXPECT_EQ(seqs_of(log.events), range(1, before + k_threads * k_per_thread));
  EXPECT_EQ(log.last_seq, before + k_threads * k_per_thread);
}

TEST_P(StoreConformance, queued_writes_keep_counters_and_read_markers_exact) {
  // Queued without waiting, so a backend that commits in groups gets them in one or
  // a few groups: counters and markers must come out as if each ran alone.
  const auto ada = make_user("ada");
  const auto bob = make_user("bob");
  const auto carol = make_user("carol");
  const auto a = make_room(ada, "a");
  const auto b = make_room(ada, "b");
  join(a, bob);
  const chat::Seq s = sync_->get_room(a.id)->last_seq;

  std::vector<std::function<void(Callback<AppendResult>)>> appends;
  auto post_to = [&](const chat::Room& room, const chat::User& who, std::string text,
                     std::string client_id = "") {
    appends.push_back([&store = *store_, room, who, text, client_id](auto done) {
      store.append(PostMessage{.room = room.id,
                               .author = who.ref(),
                               .text = text,
                               .html = text,
                               .client_id = client_id},
                   done);
    });
  };
  post_to(a, ada, "a1");              // s+1
  post_to(b, ada, "b1");              // b: 2
  post_to(a, bob, "a2");              // s+2
  post_to(a, carol, "refused");       // not a member: forbidden, nothing stored
  post_to(a, ada, "a3");              // s+3
  appends.push_back([&](auto done) {  // s+4
    store_->append(LeaveRoom{.room = a.id, .user = bob.ref()}, done);
  });
  appends.push_back([&](auto done) {  // s+5: bob's marker starts here again
    store_->append(JoinRoom{.room = a.id, .user = bob.ref()}, done);
  });
  post_to(b, ada, "b2");          // b: 3
  post_to(a, ada, "a4", "once");  // s+6
  post_to(a, ada, "a4", "once");  // the same message again: duplicate of s+6
  post_to(b, ada, "b3");          // b: 4

  std::vector<std::optional<chat::Result<AppendResult>>> results(appends.size());
  std::latch done(static_cast<std::ptrdiff_t>(appends.size()));
  std::promise<chat::Result<chat::Seq>> marker;
  for (std::size_t i = 0; i < appends.size(); ++i) {
    appends[i]([&, i](chat::Result<AppendResult> r) {
      results[i] = std::move(r);
      done.count_down();
    });
    // bob's own message moved his marker to s+2; an older marker is no step back.
    if (i == 3) {
      store_->set_read(a.id, bob.id, s + 1,
                       [&](chat::Result<chat::Seq> r) { marker.set_value(std::move(r)); });
    }
  }
  done.wait();
  const auto bob_marker = marker.get_future().get();
  ASSERT_TRUE(bob_marker) << bob_marker.error().message;
  EXPECT_EQ(*bob_marker, s + 2);

  auto seq_of = [&](std::size_t i) -> chat::Seq {
    EXPECT_TRUE(*results[i]) << i << ": " << (*results[i]).error().message;
    return *results[i] && (*results[i])->event ? (*results[i])->event->seq : -1;
  };
  EXPECT_EQ(seq_of(0), s + 1);
  EXPECT_EQ(seq_of(1), 2);
  EXPECT_EQ(seq_of(2), s + 2);
  ASSERT_FALSE(*results[3]);
  EXPECT_EQ(results[3]->error().kind, chat::ErrorKind::forbidden);
  EXPECT_EQ(seq_of(4), s + 3);
  EXPECT_EQ(seq_of(5), s + 4);
  EXPECT_EQ(seq_of(6), s + 5);
  EXPECT_EQ(seq_of(7), 3);
  EXPECT_EQ(seq_of(8), s + 6);
  EXPECT_EQ(seq_of(9), s + 6);
  EXPECT_TRUE((*results[9])->duplicate);
  EXPECT_EQ(seq_of(10), 4);
  EXPECT_EQ((*results[10])->room.last_seq, 4);

  const auto log_a = all_events(*sync_, a.id);
  EXPECT_EQ(seqs_of(log_a.events), range(1, s + 6));
  EXPECT_EQ(log_a.last_seq, s + 6);
  EXPECT_EQ(sync_->get_room(b.id)->last_seq, 4);
  auto members = sync_->list_members(a.id);
  ASSERT_TRUE(members) << members.error().message;
  for (const auto& m : *members) {
    if (m.user.id == ada.id) {
      EXPECT_EQ(m.read_seq, s + 6);
    } else if (m.user.id == bob.id) {
      EXPECT_EQ(m.read_seq, s + 5);
    }
  }
  auto rooms = sync_->list_rooms(ada.id);
  ASSERT_TRUE(rooms) << rooms.error().message;
  ASSERT_EQ(rooms->size(), 2u);
  for (const auto& r : *rooms) EXPECT_EQ(r.unread, 0) << r.room.name;

  // The same after a restart: the counters were written, not only kept in memory.
  reopen();
  EXPECT_EQ(sync_->get_room(a.id)->last_seq, s + 6);
  EXPECT_EQ(sync_->get_room(b.id)->last_seq, 4);
}

TEST_P(StoreConformance, retried_client_id_stores_one_message_and_returns_the_first) {
  const auto owner = make_user("owner");
  const auto room = make_room(owner);
  auto first = sync_->append(
      PostMessage{.room = room.id, .author = owner.ref(), .text = "once", .client_id = "k1"});
  ASSERT_TRUE(first);
  auto retry = sync_->append(PostMessage{
      .room = room.id, .author = owner.ref(), .text = "once (retried)", .client_id = "k1"});
  ASSERT_TRUE(retry) << retry.error().message;
  EXPECT_TRUE(retry->duplicate);
  ASSERT_TRUE(retry->event);
  EXPECT_EQ(retry->event->seq, first->event->seq);
  EXPECT_EQ(retry->event->text, "once");
  EXPECT_EQ(*retry->event, *first->event);
  EXPECT_EQ(retry->room.last_seq, first->event->seq);
  EXPECT_EQ(sync_->get_room(room.id)->last_seq, first->event->seq);

  // An empty client_id never deduplicates.
  const auto a = post(room, owner, "same");
  const auto b = post(room, owner, "same");
  EXPECT_NE(a.seq, b.seq);
}

TEST_P(StoreConformance, same_client_id_from_different_authors_is_two_messages) {
  const auto owner = make_user("owner");
  const auto other = make_user("other");
  const auto room = make_room(owner);
  join(room, other);
  const auto a = post(room, owner, "from owner", "same-id");
  const auto b = post(room, other, "from other", "same-id");
  EXPECT_NE(a.seq, b.seq);
  EXPECT_EQ(b.text, "from other");
}

TEST_P(StoreConformance, only_the_author_edits_a_message) {
  const auto author = make_user("author");
  const auto other = make_user("other");
  const auto room = make_room(author);
  join(room, other);
  const auto msg = post(room, author, "typo");

  auto by_other = sync_->append(
      EditMessage{.room = room.id, .actor = other.id, .target_seq = msg.seq, .text = "hacked"});
  ASSERT_FALSE(by_other);
  EXPECT_EQ(by_other.error().kind, ErrorKind::forbidden);

  auto edited = sync_->append(EditMessage{.room = room.id,
                                          .actor = author.id,
                                          .target_seq = msg.seq,
                                          .text = "fixed",
                                          .html = "<p>fixed</p>"});
  ASSERT_TRUE(edited) << edited.error().message;
  ASSERT_TRUE(edited->event);
  EXPECT_EQ(edited->event->kind, chat::EventKind::edit);
  EXPECT_EQ(edited->event->target_seq, msg.seq);
  EXPECT_EQ(edited->event->text, "fixed");
  EXPECT_EQ(edited->event->html, "<p>fixed</p>");
  EXPECT_EQ(edited->event->seq, msg.seq + 1);
  EXPECT_GT(edited->event->created_at, 0);

  auto missing = sync_->append(
      EditMessage{.room = room.id, .actor = author.id, .target_seq = 999, .text = "x"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);

  // A member event is not a message: it cannot be edited.
  auto not_message =
      sync_->append(EditMessage{.room = room.id, .actor = author.id, .target_seq = 1, .text = "x"});
  ASSERT_FALSE(not_message);
  EXPECT_EQ(not_message.error().kind, ErrorKind::not_found);
}

TEST_P(StoreConformance, deleted_message_cannot_be_edited_reacted_or_deleted_again) {
  const auto author = make_user("author");
  const auto room = make_room(author);
  const auto msg = post(room, author, "regret");
  auto deleted =
      sync_->append(DeleteMessage{.room = room.id, .actor = author.id, .target_seq = msg.seq});
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(deleted->event->kind, chat::EventKind::del);
  EXPECT_EQ(deleted->event->target_seq, msg.seq);

  auto edit = sync_->append(
      EditMessage{.room = room.id, .actor = author.id, .target_seq = msg.seq, .text = "x"});
  ASSERT_FALSE(edit);
  EXPECT_EQ(edit.error().kind, ErrorKind::not_found);
  auto react = sync_->append(
      ToggleReaction{.room = room.id, .actor = author.id, .target_seq = msg.seq, .emoji = "👍"});
  ASSERT_FALSE(react);
  EXPECT_EQ(react.error().kind, ErrorKind::not_found);
  auto again =
      sync_->append(DeleteMessage{.room = room.id, .actor = author.id, .target_seq = msg.seq});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::not_found);
}

TEST_P(StoreConformance, deleted_message_content_is_gone_from_history) {
  const auto author = make_user("author");
  const auto room = make_room(author);
  const auto msg = post(room, author, "secret");
  ASSERT_TRUE(sync_->append(
      EditMessage{.room = room.id, .actor = author.id, .target_seq = msg.seq, .text = "secret 2"}));
  ASSERT_TRUE(
      sync_->append(DeleteMessage{.room = room.id, .actor = author.id, .target_seq = msg.seq}));
  const auto log = all_events(*sync_, room.id);
  ASSERT_EQ(log.events.size(), 4u);  // joined, message, edit, delete: seqs stay dense
  for (const auto& e : log.events) {
    EXPECT_EQ(e.text.find("secret"), std::string::npos) << "seq " << e.seq;
    EXPECT_EQ(e.html.find("secret"), std::string::npos) << "seq " << e.seq;
  }
}

TEST_P(StoreConformance, room_owner_may_delete_others_messages_but_members_may_not) {
  const auto owner = make_user("owner");
  const auto author = make_user("author");
  const auto third = make_user("third");
  const auto room = make_room(owner);
  join(room, author);
  join(room, third);
  const auto msg = post(room, author, "spam");

  auto by_third =
      sync_->append(DeleteMessage{.room = room.id, .actor = third.id, .target_seq = msg.seq});
  ASSERT_FALSE(by_third);
  EXPECT_EQ(by_third.error().kind, ErrorKind::forbidden);

  auto by_owner =
      sync_->append(DeleteMessage{.room = room.id, .actor = owner.id, .target_seq = msg.seq});
  ASSERT_TRUE(by_owner) << by_owner.error().message;
  EXPECT_EQ(by_owner->event->target_seq, msg.seq);
}

TEST_P(StoreConformance, reaction_toggles_on_and_off_per_user_and_emoji) {
  const auto author = make_user("author");
  const auto fan = make_user("fan");
  const auto room = make_room(author);
  join(room, fan);
  const auto msg = post(room, author, "nice");
  auto toggle = [&](const chat::User& who, const std::string& emoji) {
    auto r = sync_->append(
        ToggleReaction{.room = room.id, .actor = who.id, .target_seq = msg.seq, .emoji = emoji});
    EXPECT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->event->kind, chat::EventKind::reaction);
    EXPECT_EQ(r->event->target_seq, msg.seq);
    EXPECT_EQ(r->event->user_id, who.id);
    EXPECT_EQ(r->event->emoji, emoji);
    return r->event->on;
  };
  EXPECT_TRUE(toggle(fan, "👍"));
  EXPECT_TRUE(toggle(author, "👍"));  // another user's reaction is separate
  EXPECT_TRUE(toggle(fan, "🎉"));     // and so is another emoji
  EXPECT_FALSE(toggle(fan, "👍"));
  EXPECT_TRUE(toggle(fan, "👍"));

  auto missing = sync_->append(
      ToggleReaction{.room = room.id, .actor = fan.id, .target_seq = 999, .emoji = "👍"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
}

TEST_P(StoreConformance, annotations_show_messages_as_they_are_now) {
  const auto author = make_user("author");
  const auto fan = make_user("fan");
  const auto room = make_room(author);
  join(room, fan);
  const auto plain = post(room, author, "plain");
  const auto edited = post(room, author, "first");
  const auto gone = post(room, author, "gone");
  const auto liked = post(room, author, "liked");
  auto react = [&](const chat::User& who, const chat::Event& msg, const std::string& emoji) {
    ASSERT_TRUE(sync_->append(
        ToggleReaction{.room = room.id, .actor = who.id, .target_seq = msg.seq, .emoji = emoji}));
  };
  ASSERT_TRUE(sync_->append(EditMessage{.room = room.id,
                                        .actor = author.id,
                                        .target_seq = edited.seq,
                                        .text = "second",
                                        .html = "<p>second</p>"}));
  ASSERT_TRUE(sync_->append(EditMessage{.room = room.id,
                                        .actor = author.id,
                                        .target_seq = edited.seq,
                                        .text = "third",
                                        .html = "<p>third</p>"}));
  react(fan, gone, "👍");
  ASSERT_TRUE(
      sync_->append(DeleteMessage{.room = room.id, .actor = author.id, .target_seq = gone.seq}));
  react(fan, liked, "👍");
  react(author, liked, "🎉");
  react(author, liked, "👍");
  react(fan, liked, "🎉");
  react(fan, liked, "🎉");  // off again

  auto all = sync_->annotations(room.id, plain.seq, liked.seq);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 3u);  // the plain message has nothing to say
  const auto& e = (*all)[0];
  EXPECT_EQ(e.seq, edited.seq);
  EXPECT_TRUE(e.edited);
  EXPECT_FALSE(e.deleted);
  EXPECT_EQ(e.text, "third");
  EXPECT_EQ(e.html, "<p>third</p>");
  EXPECT_GT(e.edited_at, 0);
  const auto& d = (*all)[1];
  EXPECT_EQ(d.seq, gone.seq);
  EXPECT_TRUE(d.deleted);
  EXPECT_TRUE(d.reactions.empty());
  const auto& l = (*all)[2];
  EXPECT_EQ(l.seq, liked.seq);
  EXPECT_FALSE(l.edited);
  ASSERT_EQ(l.reactions.size(), 2u);
  EXPECT_EQ(l.reactions[0].emoji, "👍");  // in order of first use
  ASSERT_EQ(l.reactions[0].users.size(), 2u);
  EXPECT_EQ(l.reactions[0].users[0].id, fan.id);
  EXPECT_EQ(l.reactions[0].users[0].name, "fan");
  EXPECT_EQ(l.reactions[0].users[1].id, author.id);
  EXPECT_EQ(l.reactions[1].emoji, "🎉");
  ASSERT_EQ(l.reactions[1].users.size(), 1u);
  EXPECT_EQ(l.reactions[1].users[0].id, author.id);

  auto part = sync_->annotations(room.id, liked.seq, liked.seq);
  ASSERT_TRUE(part);
  ASSERT_EQ(part->size(), 1u);
  EXPECT_EQ((*part)[0].seq, liked.seq);

  auto missing = sync_->annotations("no-such-room", 1, 10);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
}

TEST_P(StoreConformance, invite_lets_one_user_into_a_private_room_once) {
  const auto owner = make_user("owner");
  const auto guest = make_user("guest");
  const auto late = make_user("late");
  const auto room = make_room(owner, "secret", chat::Visibility::private_room);
  const auto later = now_ms() + 3600'000;
  ASSERT_TRUE(sync_->create_invite(room.id, owner.id, "hash-1", later));

  // The creator trying the link uses nothing up.
  auto own = sync_->redeem_invite("hash-1", owner.ref());
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_FALSE(own->event);
  EXPECT_EQ(own->room.id, room.id);

  auto in = sync_->redeem_invite("hash-1", guest.ref());
  ASSERT_TRUE(in) << in.error().message;
  ASSERT_TRUE(in->event);
  EXPECT_EQ(in->event->kind, chat::EventKind::member);
  EXPECT_EQ(in->event->member.id, guest.id);
  EXPECT_EQ(in->event->action, chat::MemberAction::joined);
  EXPECT_EQ(in->room.id, room.id);
  EXPECT_EQ(in->room.members_count, 2);
  EXPECT_EQ(chat::value_or(sync_->is_member(room.id, guest.id), false), true);

  // Used: the same user again is a member already; anyone else is refused.
  auto again = sync_->redeem_invite("hash-1", guest.ref());
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->event);
  auto other = sync_->redeem_invite("hash-1", late.ref());
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, ErrorKind::not_found);
  EXPECT_EQ(chat::value_or(sync_->is_member(room.id, late.id), true), false);

  auto unknown = sync_->redeem_invite("no-such-hash", late.ref());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::not_found);
}

TEST_P(StoreConformance, expired_invite_is_refused) {
  const auto owner = make_user("owner");
  const auto guest = make_user("guest");
  const auto room = make_room(owner, "secret", chat::Visibility::private_room);
  ASSERT_TRUE(sync_->create_invite(room.id, owner.id, "old", now_ms() - 1));
  auto r = sync_->redeem_invite("old", guest.ref());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::not_found);
  EXPECT_EQ(chat::value_or(sync_->is_member(room.id, guest.id), true), false);
}

TEST_P(StoreConformance, only_members_create_invites_and_they_die_with_their_room) {
  const auto owner = make_user("owner");
  const auto stranger = make_user("stranger");
  const auto room = make_room(owner, "secret", chat::Visibility::private_room);
  const auto later = now_ms() + 3600'000;
  auto refused = sync_->create_invite(room.id, stranger.id, "h", later);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::forbidden);
  auto no_room = sync_->create_invite("no-such-room", owner.id, "h", later);
  ASSERT_FALSE(no_room);
  EXPECT_EQ(no_room.error().kind, ErrorKind::not_found);

  ASSERT_TRUE(sync_->create_invite(room.id, owner.id, "h2", later));
  // The last member leaving deletes the room, and its invites with it.
  ASSERT_TRUE(sync_->append(LeaveRoom{.room = room.id, .user = owner.ref()}));
  EXPECT_FALSE(sync_->get_room(room.id));
  auto r = sync_->redeem_invite("h2", stranger.ref());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::not_found);
}

TEST_P(StoreConformance, invites_survive_close_and_reopen) {
  const auto owner = make_user("owner");
  const auto guest = make_user("guest");
  const auto room = make_room(owner, "secret", chat::Visibility::private_room);
  ASSERT_TRUE(sync_->create_invite(room.id, owner.id, "kept", now_ms() + 3600'000));
  reopen();
  auto r = sync_->redeem_invite("kept", guest.ref());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->event);
}

TEST_P(StoreConformance, history_pages_before_and_after_with_has_more) {
  const auto owner = make_user("owner");
  const auto room = make_room(owner);
  for (int i = 2; i <= 10; ++i) post(room, owner, "m" + std::to_string(i));  // seqs 2..10

  auto newest = sync_->history({.room = room.id, .limit = 3});
  ASSERT_TRUE(newest);
  EXPECT_EQ(seqs_of(newest->events), (std::vector<chat::Seq>{8, 9, 10}));
  EXPECT_TRUE(newest->has_more);
  EXPECT_EQ(newest->last_seq, 10);
  EXPECT_EQ(newest->earliest_seq, 1);

  auto before = sync_->history({.room = room.id, .before = 8, .limit = 3});
  ASSERT_TRUE(before);
  EXPECT_EQ(seqs_of(before->events), (std::vector<chat::Seq>{5, 6, 7}));
  EXPECT_TRUE(before->has_more);

  auto oldest = sync_->history({.room = room.id, .before = 4, .limit = 3});
  ASSERT_TRUE(oldest);
  EXPECT_EQ(seqs_of(oldest->events), (std::vector<chat::Seq>{1, 2, 3}));
  EXPECT_FALSE(oldest->has_more);  // exactly the rest: nothing older

  auto after = sync_->history({.room = room.id, .after = 2, .limit = 3});
  ASSERT_TRUE(after);
  EXPECT_EQ(seqs_of(after->events), (std::vector<chat::Seq>{3, 4, 5}));
  EXPECT_TRUE(after->has_more);

  auto tail = sync_->history({.room = room.id, .after = 7, .limit = 3});
  ASSERT_TRUE(tail);
  EXPECT_EQ(seqs_of(tail->events), (std::vector<chat::Seq>{8, 9, 10}));
  EXPECT_FALSE(tail->has_more);

  auto past_end = sync_->history({.room = room.id, .after = 10, .limit = 3});
  ASSERT_TRUE(past_end);
  EXPECT_TRUE(past_end->events.empty());
  EXPECT_FALSE(past_end->has_more);

  auto all = sync_->history({.room = room.id, .limit = 100});
  ASSERT_TRUE(all);
  EXPECT_EQ(seqs_of(all->events), range(1, 10));
  EXPECT_FALSE(all->has_more);
}

TEST_P(StoreConformance, read_marker_moves_forward_only_and_stops_at_last_seq) {
  const auto owner = make_user("owner");
  const auto reader = make_user("reader");
  const auto stranger = make_user("stranger");
  const auto room = make_room(owner);
  join(room, reader);                                  // seq 2, marker 2
  for (int i = 0; i < 3; ++i) post(room, owner, "m");  // seqs 3..5

  EXPECT_EQ(chat::value_or(sync_->set_read(room.id, reader.id, 4), -1), 4);
  EXPECT_EQ(chat::value_or(sync_->set_read(room.id, reader.id, 3), -1), 4);   // never back
  EXPECT_EQ(chat::value_or(sync_->set_read(room.id, reader.id, 99), -1), 5);  // capped
  auto members = sync_->list_members(room.id);
  ASSERT_TRUE(members);
  for (const auto& m : *members) {
    if (m.user.id == reader.id) {
      EXPECT_EQ(m.read_seq, 5);
    }
  }

  auto not_member = sync_->set_read(room.id, stranger.id, 1);
  ASSERT_FALSE(not_member);
  EXPECT_EQ(not_member.error().kind, ErrorKind::forbidden);
}

TEST_P(StoreConformance, retention_keeps_the_newest_events_and_reports_earliest_seq) {
  chat::Limits limits;
  limits.max_msgs = 5;
  open(limits);
  const auto owner = make_user("owner");
  const auto room = make_room(owner);
  for (int i = 0; i < 11; ++i) post(room, owner, "m" + std::to_string(i));  // seqs 2..12

  auto page = sync_->history({.room = room.id, .limit = 100});
  ASSERT_TRUE(page);
  EXPECT_EQ(seqs_of(page->events), range(8, 12));
  EXPECT_EQ(page->earliest_seq, 8);
  EXPECT_EQ(page->last_seq, 12);
  EXPECT_FALSE(page->has_more);

  auto gone =
      sync_->append(EditMessage{.room = room.id, .actor = owner.id, .target_seq = 3, .text = "x"});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, ErrorKind::not_found);
}

TEST_P(StoreConformance, retention_days_removes_the_events_older_than_that_oldest_first) {
  constexpr chat::TimeMs k_hour = 60 * 60 * 1000;
  ScopedClock clock(1'700'000'000'000);
  chat::Limits limits;
  limits.retention_days = 1;
  open(limits);
  const auto owner = make_user("owner");
  const auto guest = make_user("guest");
  const auto room = make_room(owner);             // seq 1
  const auto old_msg = post(room, owner, "old");  // seq 2
  ASSERT_TRUE(sync_->append(ToggleReaction{
      .room = room.id, .actor = owner.id, .target_seq = old_msg.seq, .emoji = "x"}));  // seq 3
  const auto quiet = make_room(guest, "quiet");  // seq 1, all old
  post(quiet, guest, "long ago");                // seq 2

  clock.advance(12 * k_hour);
  const auto kept = post(room, owner, "recent");  // seq 4
  post(room, owner, "recent too");                // seq 5
  auto none_yet = sync_->apply_retention();
  ASSERT_TRUE(none_yet) << none_yet.error().message;
  EXPECT_EQ(*none_yet, 0) << "nothing is a day old yet";
  EXPECT_EQ(all_events(*sync_, room.id).earliest_seq, 1);

  clock.advance(13 * k_hour);  // the first events are 25 h old, the recent ones 13 h
  auto removed = sync_->apply_retention();
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 3 + 2);

  auto log = all_events(*sync_, room.id);
  EXPECT_EQ(seqs_of(log.events), range(kept.seq, kept.seq + 1));
  EXPECT_EQ(log.earliest_seq, kept.seq);
  EXPECT_EQ(log.last_seq, kept.seq + 1);
  // The message and its reaction are gone; what is left of the log still works.
  auto gone = sync_->append(
      EditMessage{.room = room.id, .actor = owner.id, .target_seq = old_msg.seq, .text = "x"});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, ErrorKind::not_found);
  auto notes = sync_->annotations(room.id, 1, kept.seq + 1);
  ASSERT_TRUE(notes);
  EXPECT_TRUE(notes->empty());

  // A room whose whole log aged out keeps its seq counter: earliest_seq is the next
  // seq, which is what a client resuming from before it is told (`reset`).
  auto quiet_log = all_events(*sync_, quiet.id);
  EXPECT_TRUE(quiet_log.events.empty());
  EXPECT_EQ(quiet_log.last_seq, 2);
  EXPECT_EQ(quiet_log.earliest_seq, 3);
  EXPECT_EQ(post(quiet, guest, "back").seq, 3);
  auto r = sync_->get_room(quiet.id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->members_count, 1);

  auto again = sync_->apply_retention();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

TEST_P(StoreConformance, retention_days_zero_keeps_everything) {
  ScopedClock clock(1'700'000'000'000);
  const auto owner = make_user("owner");
  const auto room = make_room(owner);
  post(room, owner, "kept");
  clock.advance(10LL * 365 * 24 * 60 * 60 * 1000);
  auto removed = sync_->apply_retention();
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 0);
  EXPECT_EQ(all_events(*sync_, room.id).events.size(), 2u);
}

TEST_P(StoreConformance, retention_days_is_applied_by_the_store_itself_at_open) {
  ScopedClock clock(1'700'000'000'000);
  const auto owner = make_user("owner");
  const auto room = make_room(owner);
  for (int i = 0; i < 3; ++i) post(room, owner, "m" + std::to_string(i));  // seqs 2..4

  clock.advance(3LL * 24 * 60 * 60 * 1000);
  chat::Limits limits;
  limits.retention_days = 2;
  reopen(limits);
  // No apply_retention(): the store's own sweep must get there.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  HistoryPage log;
  do {
    log = all_events(*sync_, room.id);
    if (log.events.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_TRUE(log.events.empty()) << log.events.size() << " events still there";
  EXPECT_EQ(log.earliest_seq, 5);
}

// ---- durability and threads -------------------------------------------------

TEST_P(StoreConformance, everything_survives_close_and_reopen) {
  const auto owner = make_user("Persistent");
  const auto guest = make_user("guest");
  const auto room = make_room(owner, "kept");
  join(room, guest);
  const auto msg = post(room, owner, "still here", "cid");
  ASSERT_TRUE(sync_->append(
      ToggleReaction{.room = room.id, .actor = guest.id, .target_seq = msg.seq, .emoji = "👍"}));
  ASSERT_TRUE(sync_->set_read(room.id, guest.id, msg.seq));
  ASSERT_TRUE(sync_->create_session(
      {.token_hash = "tok", .user_id = owner.id, .expires_at = now_ms() + 60'000}));
  auto dm = sync_->direct_room(owner.ref(), guest.ref());
  ASSERT_TRUE(dm);

  reopen();

  EXPECT_EQ(chat::value_or(sync_->find_user_by_name("persistent"), chat::User{}).id, owner.id);
  EXPECT_EQ(chat::value_or(sync_->get_session("tok"), Session{}).user_id, owner.id);
  auto r = sync_->get_room(room.id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "kept");
  EXPECT_EQ(r->members_count, 2);
  EXPECT_EQ(r->last_seq, msg.seq + 1);
  const auto log = all_events(*sync_, room.id);
  EXPECT_EQ(seqs_of(log.events), range(1, msg.seq + 1));
  // State that drives later decisions survived too: the retry, the reaction, the marker.
  auto retry = sync_->append(
      PostMessage{.room = room.id, .author = owner.ref(), .text = "x", .client_id = "cid"});
  ASSERT_TRUE(retry);
  EXPECT_TRUE(retry->duplicate);
  auto unreact = sync_->append(
      ToggleReaction{.room = room.id, .actor = guest.id, .target_seq = msg.seq, .emoji = "👍"});
  ASSERT_TRUE(unreact);
  EXPECT_FALSE(unreact->event->on);
  EXPECT_EQ(chat::value_or(sync_->set_read(room.id, guest.id, 1), -1), msg.seq);
  EXPECT_EQ(chat::value_or(sync_->direct_room(guest.ref(), owner.ref()), chat::Room{}).id, dm->id);
}

TEST_P(StoreConformance, writes_queued_before_close_are_kept) {
  const auto owner = make_user("owner");
  const auto room = make_room(owner);
  constexpr int k_count = 200;
  for (int i = 0; i < k_count; ++i) {
    store_->append(PostMessage{.room = room.id, .author = owner.ref(), .text = "q"},
                   [](chat::Result<AppendResult>) {});
  }
  open({});  // destroys the store without waiting for the callbacks
  EXPECT_EQ(chat::value_or(sync_->get_room(room.id), chat::Room{}).last_seq, 1 + k_count);
}

TEST_P(StoreConformance, flush_returns_after_queued_writes_are_committed) {
  const auto owner = make_user("owner");
  const auto room = make_room(owner);
  constexpr int k_count = 100;
  for (int i = 0; i < k_count; ++i) {
    store_->append(PostMessage{.room = room.id, .author = owner.ref(), .text = "q"},
                   [](chat::Result<AppendResult>) {});
  }
  store_->flush();
  EXPECT_EQ(chat::value_or(sync_->get_room(room.id), chat::Room{}).last_seq, 1 + k_count);
}

TEST_P(StoreConformance, write_callback_runs_after_the_write_is_committed) {
  const auto owner = make_user("owner");
  const auto room = make_room(owner);
  const auto msg = post(room, owner, "durable?");
  // No flush, no close: a second, independent store must already see the write
  // whose callback has run.
  auto other = GetParam().open(dir_.path(), {});
  SyncStore second(*other);
  auto page = second.history({.room = room.id});
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_FALSE(page->events.empty());
  EXPECT_EQ(page->events.back().seq, msg.seq);
  EXPECT_EQ(page->events.back().text, "durable?");
}

TEST_P(StoreConformance, callbacks_run_on_a_store_thread_not_the_callers) {
  const auto caller = std::this_thread::get_id();
  auto write_thread = call<chat::User>([&](auto done) {
    store_->create_user({.name = "threads"}, [done, caller](chat::Result<chat::User> r) {
      if (std::this_thread::get_id() == caller) {
        r = chat::fail(ErrorKind::internal, "callback ran on the caller's thread");
      }
      done(std::move(r));
    });
  });
  EXPECT_TRUE(write_thread) << write_thread.error().message;
  auto read_thread = call<chat::User>([&](auto done) {
    store_->find_user_by_name("threads", [done, caller](chat::Result<chat::User> r) {
      if (std::this_thread::get_id() == caller) {
        r = chat::fail(ErrorKind::internal, "callback ran on the caller's thread");
      }
      done(std::move(r));
    });
  });
  EXPECT_TRUE(read_thread) << read_thread.error().message;
}

}  // namespace parley::store::testing
