#pragma once
// Matches a method and a path against patterns with `{name}` segments. Matching
// is exact per segment (no prefixes, no wildcards), so a route never captures a
// path it wasn't written for. Built once at start-up; read-only afterwards, so
// every shard may match concurrently.
#include <boost/beast/http/verb.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace parley::http {

template <class Target>
class Router {
 public:
  struct Match {
    const Target* target = nullptr;  // null: no route for this method
    bool path_known = false;         // the path matched some route (405 rather than 404)
    std::unordered_map<std::string, std::string> params;
  };

  void add(boost::beast::http::verb method, std::string_view pattern, Target target) {
    routes_.push_back({method, split(pattern), std::move(target)});
  }

  Match match(boost::beast::http::verb method, std::string_view path) const {
    Match m;
    // Only an origin-form path ("/..."). split() skips the first character, so
    // without this "xapi/ws" matched "/api/ws" and "*" (OPTIONS *) matched "/".
    if (!path.starts_with('/')) return m;
    auto segments = split(path);
    for (const auto& r : routes_) {
      if (r.segments.size() != segments.size()) continue;
      std::unordered_map<std::string, std::string> params;
      bool ok = true;
      for (std::size_t i = 0; i < segments.size() && ok; ++i) {
        const auto& p = r.segments[i];
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
          if (segments[i].empty())
            ok = false;
          else
            params.emplace(p.substr(1, p.size() - 2), segments[i]);
        } else {
          ok = p == segments[i];
        }
      }
      if (!ok) continue;
      m.path_known = true;
      if (r.method == method) {
        m.target = &r.target;
        m.params = std::move(params);
        return m;
      }
    }
    return m;
  }

 private:
  struct Route {
    boost::beast::http::verb method;
    std::vector<std::string> segments;
    Target target;
  };
  static std::vector<std::string> split(std::string_view path) {
    std::vector<std::string> out;
    std::size_t start = 1;  // paths start with '/'
    while (start <= path.size()) {
      auto slash = path.find('/', start);
      if (slash == std::string_view::npos) slash = path.size();
      out.emplace_back(path.substr(start, slash - start));
      start = slash + 1;
    }
    return out;
  }
  std::vector<Route> routes_;
};

}  // namespace parley::http
