#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "store/store.hpp"
#include "store_conformance.hpp"

namespace parley::store::testing {
namespace {

std::string open_error(const std::string& url) {
  try {
    open_store(url, {});
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(OpenStore, names_backends_that_are_not_supported_yet_without_echoing_secrets) {
  const auto pg = open_error("postgres://user:hunter2@db/parley");
  EXPECT_NE(pg.find("postgres:// is not supported yet"), std::string::npos) << pg;
  EXPECT_EQ(pg.find("hunter2"), std::string::npos) << pg;
  const auto redis = open_error("redis://localhost:6379");
  EXPECT_NE(redis.find("redis:// is not supported yet"), std::string::npos) << redis;
  EXPECT_NE(open_error("mysql://x").find("unsupported scheme 'mysql'"), std::string::npos);
  EXPECT_NE(open_error("parley.db").find("no scheme"), std::string::npos);
  EXPECT_NE(open_error("sqlite://").find("needs a file path"), std::string::npos);
}

TEST(OpenStore, rejects_unknown_sqlite_options) {
  TempDir dir;
  const auto url = "sqlite://" + (dir.path() / "x.db").string();
  EXPECT_NE(open_error(url + "?cache=huge").find("unknown sqlite option"), std::string::npos);
  EXPECT_NE(open_error(url + "?readers=0").find("readers must be"), std::string::npos);
}

TEST(OpenStore, creates_the_database_directory) {
  TempDir dir;
  const auto path = dir.path() / "nested" / "deeper" / "parley.db";
  auto store = open_store("sqlite://" + path.string() + "?synchronous=full&readers=1", {});
  SyncStore sync(*store);
  ASSERT_TRUE(sync.create_user({.name = "someone"}));
  store.reset();
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(OpenStore, opens_a_relative_path_against_the_working_directory) {
  TempDir dir;
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  {
    auto store = open_store("sqlite://./data/parley.db", {});
    SyncStore sync(*store);
    EXPECT_TRUE(sync.create_user({.name = "someone"}));
  }
  std::filesystem::current_path(cwd);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "parley.db"));
}

TEST(OpenStore, memory_database_works_and_leaves_nothing_behind) {
  auto store = open_store("sqlite://:memory:", {});
  SyncStore sync(*store);
  auto user = sync.create_user({.name = "ephemeral"});
  ASSERT_TRUE(user);
  EXPECT_EQ(chat::value_or(sync.get_user(user->id), chat::User{}).name, "ephemeral");
}

}  // namespace
}  // namespace parley::store::testing
