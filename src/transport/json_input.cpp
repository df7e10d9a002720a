#include "transport/json_input.hpp"

#include <boost/json/parse.hpp>
#include <cmath>

#include "chat/validate.hpp"

namespace parley::transport {

namespace json = boost::json;
using chat::ErrorKind;

namespace {
// Boost.JSON 1.81 reads a number too large for a double (1e400) as infinity and
// writes that back as `Infinity`, which is not JSON: echoed to the client (the
// "room" of a WebSocket error) it broke the client's parser. RFC 8259 section 6
// lets a parser limit the range of numbers; parley's is a double's.
bool all_finite(const json::value& v) {
  if (v.is_double()) return std::isfinite(v.get_double());
  if (const auto* a = v.if_array()) {
    for (const auto& e : *a) {
      if (!all_finite(e)) return false;
    }
  } else if (const auto* o = v.if_object()) {
    for (const auto& kv : *o) {
      if (!all_finite(kv.value())) return false;
    }
  }
  return true;
}
}  // namespace

chat::Result<json::object> parse_json_object(std::string_view text) {
  if (!chat::is_valid_utf8(text))
    return chat::fail(ErrorKind::bad_request, "body is not valid UTF-8");
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return chat::fail(ErrorKind::bad_request, "malformed JSON: " + ec.message());
  if (!v.is_object()) return chat::fail(ErrorKind::bad_request, "expected a JSON object");
  if (!all_finite(v))
    return chat::fail(ErrorKind::bad_request, "malformed JSON: number out of range");
  return std::move(v.as_object());
}

chat::Result<JsonInput> JsonInput::of(json::object obj,
                                      std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : obj) {
    bool known = false;
    for (auto a : allowed) known = known || kv.key() == a;
    if (!known) {
      return chat::fail(ErrorKind::bad_request, "unknown field '" + std::string(kv.key()) + "'");
    }
  }
  return JsonInput(std::move(obj));
}

chat::Result<JsonInput> JsonInput::parse(std::string_view text,
                                         std::initializer_list<std::string_view> allowed) {
  auto obj = parse_json_object(text);
  if (!obj) return obj.error();
  return of(std::move(*obj), allowed);
}

namespace {
chat::Error wrong_type(std::string_view key, std::string_view want) {
  return chat::fail(ErrorKind::bad_request,
                    "field '" + std::string(key) + "' must be " + std::string(want));
}
chat::Error missing(std::string_view key) {
  return chat::fail(ErrorKind::bad_request, "missing field '" + std::string(key) + "'");
}
}  // namespace

chat::Result<std::optional<std::string>> JsonInput::optional_string(std::string_view key) const {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) return std::optional<std::string>{};
  if (!it->value().is_string()) return wrong_type(key, "a string");
  return std::optional<std::string>(std::string(it->value().get_string()));
}

chat::Result<std::string> JsonInput::string(std::string_view key) const {
  auto v = optional_string(key);
  if (!v) return v.error();
  if (!*v) return missing(key);
  return std::move(**v);
}

chat::Result<std::optional<std::int64_t>> JsonInput::optional_integer(std::string_view key) const {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) return std::optional<std::int64_t>{};
  const auto& v = it->value();
  if (v.is_int64()) return std::optional<std::int64_t>(v.get_int64());
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v.get_uint64()));
  }
  return wrong_type(key, "an integer");
}

chat::Result<std::int64_t> JsonInput::integer(std::string_view key) const {
  auto v = optional_integer(key);
  if (!v) return v.error();
  if (!*v) return missing(key);
  return **v;
}

chat::Result<bool> JsonInput::boolean(std::string_view key) const {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) return missing(key);
  if (!it->value().is_bool()) return wrong_type(key, "true or false");
  return it->value().get_bool();
}

}  // namespace parley::transport
