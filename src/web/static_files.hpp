#pragma once
// The web app's static files (CSS, its small scripts, htmx and its SSE extension,
// icons), served under /static/ from memory.
//
// Promises:
// - Only files found under the directory at start-up are served: a request names a
//   key of that table, never a path on disk, so no request can walk out of it.
// - url() adds ?v=<content hash>; a request carrying the current hash is cached for a
//   year (immutable), any other gets no-cache with an ETag (304 when unchanged).
// Read-only after construction: every shard may serve concurrently.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "transport/rest/rest.hpp"

namespace parley::web {

class StaticFiles {
 public:
  struct File {
    std::string body;
    std::string content_type;
    std::string version;  // hex hash of the content
  };

  // Loads every regular file under `dir`. A missing directory is logged, not fatal:
  // the pages still work, unstyled.
  explicit StaticFiles(const std::filesystem::path& dir);

  // "/static/<path>?v=<version>" for a path relative to the directory.
  std::string url(std::string_view path) const;
  const File* find(std::string_view path) const;
  std::size_t size() const noexcept { return files_.size(); }

  // GET /static/... (up to three path segments). The routes hold `owner`, which must
  // keep this object alive.
  void add_routes(std::vector<transport::rest::Route>& out,
                  std::shared_ptr<const void> owner) const;

 private:
  std::unordered_map<std::string, File> files_;
};

// STATIC_DIR when set, else the static/ directory beside the running binary.
std::filesystem::path static_dir(const std::string& configured);

}  // namespace parley::web
