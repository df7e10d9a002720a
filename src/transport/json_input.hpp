#pragma once
// Reading a JSON object sent by a client (REST body or WebSocket frame) with the
// errors API.md asks for: invalid UTF-8 or JSON is 400, an unknown field is 400
// naming it, a field of the wrong type is 400 naming it, a missing required field
// is 400 naming it. Messages are meant for the client's developer.
#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "chat/error.hpp"

namespace parley::transport {

class JsonInput {
 public:
  // Parses `text` as one JSON object whose keys are all in `allowed`.
  static chat::Result<JsonInput> parse(std::string_view text,
                                       std::initializer_list<std::string_view> allowed);
  // As parse, for an object already parsed (after dispatching on `type`).
  static chat::Result<JsonInput> of(boost::json::object obj,
                                    std::initializer_list<std::string_view> allowed);

  chat::Result<std::string> string(std::string_view key) const;  // required
  chat::Result<std::optional<std::string>> optional_string(std::string_view key) const;
  chat::Result<std::int64_t> integer(std::string_view key) const;  // required
  chat::Result<std::optional<std::int64_t>> optional_integer(std::string_view key) const;
  chat::Result<bool> boolean(std::string_view key) const;  // required
  bool has(std::string_view key) const { return obj_.contains(key); }
  const boost::json::object& object() const noexcept { return obj_; }

 private:
  explicit JsonInput(boost::json::object obj) : obj_(std::move(obj)) {}
  boost::json::object obj_;
};

// Parses a whole text as a JSON object without field checks (for dispatching on `type`).
chat::Result<boost::json::object> parse_json_object(std::string_view text);

}  // namespace parley::transport
