#pragma once
// The value parsers of the configuration (config.hpp) and the list of problems
// they fill, shared by the settings table and the checks across settings.
//
// Promises:
// - A parser returns the value, or nullopt after adding exactly one problem, named
//   after the setting, to Problems. Surrounding blanks (space, tab, CR, LF) are
//   ignored.
// - A value quoted in a problem goes through in_quotes: at most 64 bytes, control
//   characters escaped, so the message stays one readable line whatever the
//   environment holds.
// Pure functions, any thread.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace parley::app {

// Every problem found while loading, in the order found, one line each
// ("NAME: message"), and which settings have one, so that checks across settings
// can skip those instead of reporting them a second time.
struct Problems {
  std::vector<std::string> list;
  std::set<std::string, std::less<>> names;

  void add(std::string_view name, std::string_view message) {
    list.push_back(std::string(name) + ": " + std::string(message));
    names.emplace(name);
  }
  bool has(std::string_view name) const { return names.contains(name); }
};

// v between single quotes, cut after 64 bytes ("..." then says so), with each
// control character (C0 and DEL) written as \xHH.
std::string in_quotes(std::string_view v);

// s without leading and trailing blanks (space, tab, CR, LF).
std::string trim(std::string_view s);
// s with ASCII upper-case letters lowered; other bytes unchanged.
std::string lower(std::string_view s);

// A whole decimal integer in [lo, hi]; why, when given, is added to the problem in
// parentheses (where the bounds come from).
std::optional<std::int64_t> integer(std::string_view name, const std::string& text, std::int64_t lo,
                                    std::int64_t hi, Problems& p, std::string_view why = {});
// A number in [lo, hi] (NaN never is one).
std::optional<double> decimal(std::string_view name, const std::string& text, double lo, double hi,
                              Problems& p);
// v in fixed notation, as problems and describe() show decimals: "1000000", not "1e+06".
std::string show_decimal(double v);
// true/false, 1/0, yes/no, on/off, in any case.
std::optional<bool> boolean(std::string_view name, const std::string& text, Problems& p);
// The trimmed text, which must not be empty.
std::optional<std::string> non_empty(std::string_view name, const std::string& text, Problems& p);
// An http:// or https:// URL with a host and no blanks inside, trailing slashes
// dropped so that callers can append paths.
std::optional<std::string> http_url(std::string_view name, const std::string& text, Problems& p);

// The trimmed, non-empty items of a comma-separated list; never a problem.
std::vector<std::string> comma_list(const std::string& text);
// True when s starts with one of prefixes (case-sensitive).
bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> prefixes);
// 1 to 64 of letters, digits, '.', '_' and '-': what INSTANCE_ID accepts.
bool is_instance_id(std::string_view s);
// url with the password of its user-info replaced by "***", for logs and problems;
// anything without one is returned unchanged.
std::string redact_url(const std::string& url);

}  // namespace parley::app
