// Fuzzes the JSON a client sends (src/transport/json_input.hpp): a WebSocket text
// frame goes through parse_json_object and then JsonInput::of with the fields of its
// `type` (ws_session.cpp); a REST body through JsonInput::parse (transport/rest/).
//
// Input: the frame or body, as is.
//
// Checked (API.md "Errors", json_input.hpp): bytes that are not UTF-8 are refused as
// such; otherwise the result is an object exactly when Boost.JSON parses one; a field
// list accepts the object exactly when every key is in it, and else names the first
// key that is not; each accessor's answer (value, "missing field", "must be ...")
// follows from the value's JSON type alone, always naming the field; parse equals
// parse_json_object followed by of; no number beyond a double's range gets through;
// and what the server echoes back in an error's context (the object, serialised) is
// UTF-8 and parses to the same object.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/src.hpp>  // Boost.JSON compiled here, so the fuzzer sees its branches
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "chat/validate.hpp"
#include "fuzz_check.hpp"
#include "transport/json_input.hpp"

namespace {

namespace json = boost::json;
using parley::chat::ErrorKind;
using parley::fuzz::strict_utf8;
using parley::transport::JsonInput;
using parley::transport::parse_json_object;
using Fields = std::initializer_list<std::string_view>;

// Every field list the server reads a client object with (grep JsonInput::of and
// JsonInput::parse): WebSocket frames by type, then REST bodies.
const Fields k_field_lists[] = {
    {"type"},                                        // ping, get_online_list, match, ...
    {"type", "room"},                                // unsubscribe, leave
    {"type", "room", "on"},                          // typing
    {"type", "room", "seq"},                         // read
    {"type", "room", "since"},                       // subscribe
    {"type", "to_user_id", "content", "client_id"},  // chat
    {"type", "room", "text", "client_id"},           // send
    {"name", "visibility"},                          // POST /api/rooms
    {"seq"},                                         // POST /api/rooms/{id}/read
    {"text", "client_id", "attachments"},            // POST /api/rooms/{id}/messages
    {"text"},                                        // PATCH .../messages/{seq}
    {"emoji"},                                       // POST .../reactions
    {"username", "password"},                        // register, login
    {"name"},                                        // POST /api/guest
};

// Equal, except that doubles may differ in their last bits: Boost 1.81 reads a
// long decimal into a double without correct rounding (exact parsing came in 1.83),
// so the shortest form it writes may read back a few ulps away (2 seen). Integers
// stay exact; 1e-14 is ~45 ulps, far from any real corruption of a value.
bool same_but_rounding(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) {
    const double x = a.get_double(), y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-14 * std::fmax(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    const auto &oa = a.get_object(), &ob = b.get_object();
    if (oa.size() != ob.size()) return false;
    for (auto ia = oa.begin(), ib = ob.begin(); ia != oa.end(); ++ia, ++ib) {
      if (ia->key() != ib->key() || !same_but_rounding(ia->value(), ib->value())) return false;
    }
    return true;
  }
  if (a.is_array()) {
    const auto &aa = a.get_array(), &ab = b.get_array();
    if (aa.size() != ab.size()) return false;
    for (std::size_t i = 0; i < aa.size(); ++i) {
      if (!same_but_rounding(aa[i], ab[i])) return false;
    }
    return true;
  }
  return a == b;
}

// No number beyond a double's range (read as infinity, which JSON cannot carry).
bool finite(const json::value& v) {
  if (v.is_double()) return std::isfinite(v.get_double());
  if (v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (!finite(e)) return false;
    }
  }
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      if (!finite(kv.value())) return false;
    }
  }
  return true;
}

bool is_error(const parley::chat::Error& e, std::string_view message) {
  return e.kind == ErrorKind::bad_request && e.message == message;
}

std::string missing(std::string_view key) {
  return "missing field '" + std::string(key) + "'";
}
std::string must_be(std::string_view key, std::string_view what) {
  return "field '" + std::string(key) + "' must be " + std::string(what);
}

// What each accessor must answer, from the JSON type of obj[key] alone.
void check_accessors(const JsonInput& in, const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  const bool absent = v == nullptr || v->is_null();
  FUZZ_CHECK(in.has(key) == (v != nullptr));

  auto os = in.optional_string(key);
  auto s = in.string(key);
  if (absent) {
    FUZZ_CHECK(os && !*os);
    FUZZ_CHECK(!s && is_error(s.error(), missing(key)));
  } else if (v->is_string()) {
    FUZZ_CHECK(os && *os && **os == std::string_view(v->get_string()));
    FUZZ_CHECK(s && *s == std::string_view(v->get_string()));
  } else {
    FUZZ_CHECK(!os && is_error(os.error(), must_be(key, "a string")));
    FUZZ_CHECK(!s && is_error(s.error(), must_be(key, "a string")));
  }

  auto oi = in.optional_integer(key);
  auto i = in.integer(key);
  std::optional<std::int64_t> want;
  if (!absent && v->is_int64()) want = v->get_int64();
  if (!absent && v->is_uint64() && v->get_uint64() <= std::uint64_t{INT64_MAX}) {
    want = static_cast<std::int64_t>(v->get_uint64());
  }
  if (absent) {
    FUZZ_CHECK(oi && !*oi);
    FUZZ_CHECK(!i && is_error(i.error(), missing(key)));
  } else if (want) {
    FUZZ_CHECK(oi && *oi == want);
    FUZZ_CHECK(i && *i == *want);
  } else {  // a fraction, an exponent form, beyond int64, or not a number
    FUZZ_CHECK(!oi && is_error(oi.error(), must_be(key, "an integer")));
    FUZZ_CHECK(!i && is_error(i.error(), must_be(key, "an integer")));
  }

  auto b = in.boolean(key);
  if (absent) {
    FUZZ_CHECK(!b && is_error(b.error(), missing(key)));
  } else if (v->is_bool()) {
    FUZZ_CHECK(b && *b == v->get_bool());
  } else {
    FUZZ_CHECK(!b && is_error(b.error(), must_be(key, "true or false")));
  }
}

void check_fields(std::string_view text, const json::object& obj, Fields allowed) {
  std::optional<std::string_view> first_unknown;
  for (const auto& kv : obj) {
    bool known = false;
    for (auto a : allowed) known = known || kv.key() == a;
    if (!known) {
      first_unknown = kv.key();
      break;
    }
  }
  auto in = JsonInput::of(obj, allowed);
  auto parsed = JsonInput::parse(text, allowed);
  if (first_unknown) {
    const std::string message = "unknown field '" + std::string(*first_unknown) + "'";
    FUZZ_CHECK(!in && is_error(in.error(), message));
    FUZZ_CHECK(!parsed && is_error(parsed.error(), message));
    return;
  }
  FUZZ_CHECK(in && parsed);
  FUZZ_CHECK(in->object() == obj && parsed->object() == obj);
  for (auto key : allowed) check_accessors(*in, obj, key);
  check_accessors(*in, obj, "not_a_field");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool utf8 = strict_utf8(text);
  FUZZ_CHECK(parley::chat::is_valid_utf8(text) == utf8);

  auto obj = parse_json_object(text);
  if (!utf8) {
    FUZZ_CHECK(!obj && is_error(obj.error(), "body is not valid UTF-8"));
    return 0;
  }
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  FUZZ_CHECK(bool(obj) == (!ec && v.is_object() && finite(v)));
  if (!obj) {
    FUZZ_CHECK(obj.error().kind == ErrorKind::bad_request);
    if (!ec && !v.is_object()) FUZZ_CHECK(obj.error().message == "expected a JSON object");
    return 0;
  }
  FUZZ_CHECK(*obj == v.as_object());

  // The error replies carry the client's object back (ws_session.cpp send_error).
  const std::string echoed = json::serialize(*obj);
  FUZZ_CHECK(strict_utf8(echoed));
  const json::value again = json::parse(echoed, ec);
  FUZZ_CHECK(!ec && same_but_rounding(again, json::value(*obj)));

  for (const Fields& allowed : k_field_lists) check_fields(text, *obj, allowed);
  return 0;
}
