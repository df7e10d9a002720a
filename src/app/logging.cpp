#include "app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>

#include "chat/hex.hpp"
#include "chat/time_format.hpp"

namespace parley::app {
namespace {

spdlog::level::level_enum to_spdlog(std::string_view level) {
  using spdlog::level::level_enum;
  if (level == "trace") return level_enum::trace;
  if (level == "debug") return level_enum::debug;
  if (level == "info") return level_enum::info;
  if (level == "warn") return level_enum::warn;
  if (level == "error") return level_enum::err;
  if (level == "off") return level_enum::off;
  throw std::invalid_argument("unknown log level '" + std::string(level) + "'");
}

// %* in the pattern: the message with control characters escaped, so one event
// is always one line whatever the message carries.
class SingleLineMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string line =
        escape_controls({msg.payload.data(), msg.payload.size()}, NamedEscapes::yes);
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SingleLineMessage>();
  }
};

// Appends s as the inside of a JSON string: quotes, backslashes and control
// characters escaped, and each byte that is not part of valid UTF-8 replaced by
// U+FFFD, so the line is valid JSON whatever the message carries.
void append_json_string(spdlog::memory_buf_t& dest, std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          dest.append(std::string_view("\\\""));
          break;
        case '\\':
          dest.append(std::string_view("\\\\"));
          break;
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        case '\r':
          dest.append(std::string_view("\\r"));
          break;
        case '\t':
          dest.append(std::string_view("\\t"));
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            const std::string esc = "\\u00" + chat::to_hex(s.substr(i, 1));
            dest.append(esc.data(), esc.data() + esc.size());
          } else {
            dest.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    // A multi-byte sequence: its length from the lead byte, then continuation
    // bytes, rejecting overlong forms, surrogates and code points past U+10FFFF.
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc & 0xc0) == 0x80;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (ok) {
      ok = !(len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) &&
           !(len == 4 && (cp < 0x10000 || cp > 0x10ffff));
    }
    if (ok) {
      dest.append(s.data() + i, s.data() + i + len);
      i += len;
    } else {
      dest.append(std::string_view("\\ufffd"));
      ++i;
    }
  }
}

// LOG_FORMAT=json: one object per line (see logging.hpp).
class JsonLine final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    const std::string time = chat::format_time(ms);
    dest.append(std::string_view("{\"time\":\""));
    dest.append(time.data(), time.data() + time.size());
    dest.append(std::string_view("\",\"level\":\""));
    const auto level = spdlog::level::to_string_view(msg.level);
    dest.append(level.data(), level.data() + level.size());
    dest.append(std::string_view("\",\"thread\":"));
    const auto thread = std::to_string(msg.thread_id);
    dest.append(thread.data(), thread.data() + thread.size());
    if (!msg.source.empty()) {
      dest.append(std::string_view(",\"source\":\""));
      append_json_string(dest, msg.source.filename);
      const auto line = ":" + std::to_string(msg.source.line);
      dest.append(line.data(), line.data() + line.size());
      dest.push_back('"');
    }
    dest.append(std::string_view(",\"msg\":\""));
    append_json_string(dest, std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(std::string_view("\"}\n"));
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLine>(); }
};

}  // namespace

std::string escape_controls(std::string_view s, NamedEscapes named) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != 0x7f) {
      out += s[i];
    } else if (named == NamedEscapes::yes && c == '\n') {
      out += "\\n";
    } else if (named == NamedEscapes::yes && c == '\r') {
      out += "\\r";
    } else if (named == NamedEscapes::yes && c == '\t') {
      out += "\\t";
    } else {
      out += "\\x" + chat::to_hex(s.substr(i, 1));
    }
  }
  return out;
}

bool is_log_format(std::string_view format) noexcept {
  return std::ranges::find(k_log_formats, format) != k_log_formats.end();
}

bool is_log_level(std::string_view level) noexcept {
  return std::ranges::find(k_log_levels, level) != k_log_levels.end();
}

void init_logging(std::string_view level, std::string_view format) {
  const auto lvl = to_spdlog(level);
  if (!is_log_format(format)) {
    throw std::invalid_argument("unknown log format '" + std::string(format) + "'");
  }
  // The colour sink colours the level only when stderr is a terminal; piped to a
  // file or journald the line is plain text.
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  if (format == "json") {
    // No colour codes inside JSON, even on a terminal.
    sink->set_color_mode(spdlog::color_mode::never);
    sink->set_formatter(std::make_unique<JsonLine>());
  } else {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    // The custom flag must be known before the pattern that uses it is compiled.
    formatter->add_flag<SingleLineMessage>('*').set_pattern(
        "%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%t] %*");
    sink->set_formatter(std::move(formatter));
  }

  auto logger = std::make_shared<spdlog::logger>("parley", std::move(sink));
  logger->set_level(lvl);
  // Warnings and errors reach the terminal or journal at once, even if the
  // process dies right after.
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace parley::app
