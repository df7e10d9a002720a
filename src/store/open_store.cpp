// open_store: DATABASE_URL -> a Store.
//   sqlite://relative/path.db   relative to the working directory (sqlite://./data/parley.db)
//   sqlite:///absolute/path.db
//   sqlite://:memory:           a throwaway database in a temporary directory
// Options as a query string: ?synchronous=full (fsync every commit), ?readers=N.
#include <stdlib.h>

#include <charconv>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

namespace parley::store {

namespace {

constexpr std::string_view k_sqlite = "sqlite://";

// The scheme only: the rest of a URL may hold a password and must not reach a log.
std::string scheme_of(std::string_view url) {
  const auto colon = url.find("://");
  return std::string(colon == std::string_view::npos ? std::string_view{} : url.substr(0, colon));
}

[[noreturn]] void unsupported(std::string_view url) {
  const std::string scheme = scheme_of(url);
  if (scheme == "postgres" || scheme == "postgresql" || scheme == "redis" || scheme == "rediss") {
    throw std::runtime_error("DATABASE_URL: " + scheme +
                             ":// is not supported yet; use sqlite://path/to/parley.db");
  }
  if (scheme.empty()) {
    throw std::runtime_error(
        "DATABASE_URL must be a URL such as sqlite://./data/parley.db (no scheme given)");
  }
  throw std::runtime_error("DATABASE_URL: unsupported scheme '" + scheme +
                           "'; use sqlite://path/to/parley.db");
}

void apply_option(sqlite::Options& options, std::string_view key, std::string_view value) {
  if (key == "synchronous" && (value == "full" || value == "FULL")) {
    options.synchronous_full = true;
  } else if (key == "synchronous" && (value == "normal" || value == "NORMAL")) {
    options.synchronous_full = false;
  } else if (key == "readers") {
    int n = 0;
    const char* end = value.data() + value.size();
    const auto parsed = std::from_chars(value.data(), end, n);
    if (parsed.ec != std::errc{} || parsed.ptr != end || n < 1 || n > 64) {
      throw std::runtime_error("DATABASE_URL: readers must be 1..64");
    }
    options.readers = n;
  } else {
    throw std::runtime_error("DATABASE_URL: unknown sqlite option '" + std::string(key) + "=" +
                             std::string(value) + "' (known: synchronous=normal|full, readers=N)");
  }
}

std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "parley-mem-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a temporary directory for sqlite://:memory:");
  }
  return pattern;
}

std::unique_ptr<Store> open_sqlite(std::string_view rest, const chat::Limits& limits,
                                   CallbackScope callback_scope) {
  sqlite::Options options;
  options.limits = limits;
  options.callback_scope = std::move(callback_scope);
  std::string_view path = rest;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    path = rest.substr(0, q);
    std::string_view query = rest.substr(q + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      const auto eq = pair.find('=');
      apply_option(options, pair.substr(0, eq),
                   eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
      query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    }
  }
  if (path.empty()) throw std::runtime_error("DATABASE_URL: sqlite:// needs a file path");
  if (path == ":memory:") {
    // Readers and the writer need separate connections to one database, which an
    // SQLite in-memory database cannot give in WAL mode; a file in a private
    // temporary directory (removed on close) behaves the same to callers.
    options.remove_on_close = make_temp_dir();
    options.path = (options.remove_on_close / "parley.db").string();
  } else {
    options.path = std::string(path);
    const auto parent = std::filesystem::path(options.path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      throw std::runtime_error("cannot create the database directory " + parent.string() + ": " +
                               ec.message());
    }
  }
  return std::make_unique<sqlite::SqliteStore>(std::move(options));
}

}  // namespace

std::unique_ptr<Store> open_store(const std::string& database_url, const chat::Limits& limits,
                                  CallbackScope callback_scope) {
  const std::string_view url = database_url;
  if (url.starts_with(k_sqlite)) {
    return open_sqlite(url.substr(k_sqlite.size()), limits, std::move(callback_scope));
  }
  unsupported(url);
}

}  // namespace parley::store
