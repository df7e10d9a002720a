#include "transport/dm_cursor.hpp"

#include <charconv>
#include <chrono>

#include "chat/validate.hpp"

namespace parley::transport {

namespace {

template <class Int>
std::optional<Int> whole_number(std::string_view s) {
  Int v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::string DmCursor::to_string() const {
  return std::to_string(at) + '.' + room + '.' + std::to_string(seq);
}

std::optional<DmCursor> DmCursor::parse(std::string_view s) {
  const auto first = s.find('.');
  const auto last = s.rfind('.');
  if (first == std::string_view::npos || first == last) return std::nullopt;
  auto at = whole_number<chat::TimeMs>(s.substr(0, first));
  auto seq = whole_number<chat::Seq>(s.substr(last + 1));
  std::string room(s.substr(first + 1, last - first - 1));
  if (!at || !seq || !chat::is_valid_id(room)) return std::nullopt;
  return DmCursor{*at, std::move(room), *seq};
}

std::optional<chat::TimeMs> parse_time(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS.mmmZ, fixed width, as chat::format_time() writes it.
  if (s.size() != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != '.' || s[23] != 'Z') {
    return std::nullopt;
  }
  auto field = [&](std::size_t pos, std::size_t len) {
    return whole_number<int>(s.substr(pos, len));
  };
  auto y = field(0, 4), mo = field(5, 2), d = field(8, 2);
  auto h = field(11, 2), mi = field(14, 2), sec = field(17, 2), ms = field(20, 3);
  if (!y || !mo || !d || !h || !mi || !sec || !ms) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                           day{static_cast<unsigned>(*d)}};
  if (!ymd.ok() || *h > 23 || *mi > 59 || *sec > 60) return std::nullopt;
  const auto t = sys_days{ymd} + hours{*h} + minutes{*mi} + seconds{*sec} + milliseconds{*ms};
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

}  // namespace parley::transport
