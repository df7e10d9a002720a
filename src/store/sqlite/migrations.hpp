#pragma once
// The schema's numbered migrations (src/store/migrations/NNNN_name.sql, embedded in
// the binary at build time) and the code that brings a database up to date.
#include <span>
#include <string_view>

#include "store/sqlite/connection.hpp"

namespace parley::store::sqlite {

struct Migration {
  int version;            // the NNNN of the file name; versions are 1, 2, 3, ...
  std::string_view name;  // the file name, for messages
  std::string_view sql;
};

// Every migration, in version order (generated: migrations_embedded.cpp).
std::span<const Migration> migrations();

// Applies, each in its own transaction, every migration newer than the database's
// PRAGMA user_version, which then records the version reached. Throws sqlite::Error
// on failure and std::runtime_error for a database newer than this build.
void migrate(Connection& db);

}  // namespace parley::store::sqlite
