#include "app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

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
    static constexpr char k_hex[] = "0123456789abcdef";
    const auto payload = msg.payload;
    const char* run = payload.data();  // start of the pending run of plain bytes
    const char* const end = payload.data() + payload.size();
    for (const char* p = run; p != end; ++p) {
      const auto c = static_cast<unsigned char>(*p);
      if (c >= 0x20 && c != 0x7f) continue;
      dest.append(run, p);
      switch (c) {
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        case '\r':
          dest.append(std::string_view("\\r"));
          break;
        case '\t':
          dest.append(std::string_view("\\t"));
          break;
        default: {
          const char esc[] = {'\\', 'x', k_hex[c >> 4], k_hex[c & 0xf]};
          dest.append(esc, esc + sizeof esc);
        }
      }
      run = p + 1;
    }
    dest.append(run, end);
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SingleLineMessage>();
  }
};

}  // namespace

bool is_log_level(std::string_view level) noexcept {
  return std::ranges::find(k_log_levels, level) != k_log_levels.end();
}

void init_logging(std::string_view level) {
  const auto lvl = to_spdlog(level);
  // The colour sink colours the level only when stderr is a terminal; piped to a
  // file or journald the line is plain text.
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  // The custom flag must be known before the pattern that uses it is compiled.
  formatter->add_flag<SingleLineMessage>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%t] %*");
  sink->set_formatter(std::move(formatter));

  auto logger = std::make_shared<spdlog::logger>("parley", std::move(sink));
  logger->set_level(lvl);
  // Warnings and errors reach the terminal or journal at once, even if the
  // process dies right after.
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace parley::app
