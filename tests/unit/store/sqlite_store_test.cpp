// Runs the Store conformance suite against the SQLite backend, opened the way the
// server opens it: through open_store and a DATABASE_URL.
#include "store_conformance.hpp"

namespace parley::store::testing {
namespace {

std::unique_ptr<Store> open_sqlite(const std::filesystem::path& dir, const chat::Limits& limits) {
  return open_store("sqlite://" + (dir / "parley.db").string(), limits);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
                         ::testing::Values(StoreBackend{"sqlite", open_sqlite}), backend_name);

}  // namespace
}  // namespace parley::store::testing
