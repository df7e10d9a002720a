#include "web/static_files.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/beast/http/field.hpp>
#include <fstream>
#include <sstream>

#include "chat/hex.hpp"

namespace parley::web {

namespace asio = boost::asio;
namespace bh = boost::beast::http;
namespace fs = std::filesystem;
namespace rest = transport::rest;

namespace {

std::string_view content_type_of(const fs::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".json" || ext == ".webmanifest") return "application/json";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// FNV-1a, 64 bits: a cache key, not a security boundary.
std::string hash_hex(std::string_view data) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // The low 48 bits, most significant first: 12 digits keep URLs short.
  std::array<unsigned char, 6> low{};
  for (auto b = low.rbegin(); b != low.rend(); ++b, h >>= 8) *b = static_cast<unsigned char>(h);
  return chat::to_hex(low);
}

}  // namespace

StaticFiles::StaticFiles(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    spdlog::warn("static files: {} is not a directory; pages will have no styles or scripts",
                 dir.string());
    return;
  }
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().filename().string().starts_with('.')) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    File f;
    f.body = std::move(body).str();
    f.content_type = std::string(content_type_of(it->path()));
    f.version = hash_hex(f.body);
    files_.emplace(fs::relative(it->path(), dir).generic_string(), std::move(f));
  }
  spdlog::debug("static files: {} from {}", files_.size(), dir.string());
}

std::string StaticFiles::url(std::string_view path) const {
  std::string out = "/static/" + std::string(path);
  if (const File* f = find(path)) out += "?v=" + f->version;
  return out;
}

const StaticFiles::File* StaticFiles::find(std::string_view path) const {
  auto it = files_.find(std::string(path));
  return it == files_.end() ? nullptr : &it->second;
}

void StaticFiles::add_routes(std::vector<rest::Route>& out,
                             std::shared_ptr<const void> owner) const {
  auto serve = [this, owner](rest::Context& c) -> asio::awaitable<rest::Response> {
    std::string path;
    for (const char* name : {"a", "b", "c"}) {
      auto it = c.params.find(name);
      if (it == c.params.end()) break;
      if (!path.empty()) path += '/';
      path += it->second;
    }
    const File* f = find(path);
    rest::Response res{bh::status::ok, c.req.version()};
    res.keep_alive(c.req.keep_alive());
    if (f == nullptr) {
      res.result(bh::status::not_found);
      res.set(bh::field::content_type, "text/plain; charset=utf-8");
      res.body() = "not found";
      res.prepare_payload();
      co_return res;
    }
    const std::string etag = "\"" + f->version + "\"";
    res.set(bh::field::etag, etag);
    res.set("X-Content-Type-Options", "nosniff");
    res.set(bh::field::cache_control,
            c.query("v") == f->version ? "public, max-age=31536000, immutable" : "no-cache");
    if (auto inm = c.req.find(bh::field::if_none_match);
        inm != c.req.end() && inm->value() == etag) {
      res.result(bh::status::not_modified);
      co_return res;
    }
    res.set(bh::field::content_type, f->content_type);
    res.body() = f->body;
    res.prepare_payload();
    co_return res;
  };
  for (const char* pattern : {"/static/{a}", "/static/{a}/{b}", "/static/{a}/{b}/{c}"}) {
    out.push_back({bh::verb::get, pattern, rest::Access::public_route, serve});
  }
}

fs::path static_dir(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "static";
  return exe.parent_path() / "static";
}

}  // namespace parley::web
