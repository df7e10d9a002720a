// Fuzzes the markdown renderer (src/text/markdown.hpp) with message text.
//
// Input: the message text, as is (the server validates UTF-8 before it renders, but
// the renderer promises to cope with anything).
//
// Checked, from the header's promises: the output is UTF-8; it is a balanced
// fragment of the tags the supported syntax makes, with only their own attributes
// (so no <script>, no <img>, no event handler or style from the input); every '&'
// starts an entity; every link points at http(s), mailto: or a relative URL as a
// browser reads it, and opens in a new tab with rel="noopener noreferrer"; the fast
// path for plain text (plain_paragraph.hpp) renders exactly what cmark-gfm does.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "text/markdown.hpp"
#include "text/plain_paragraph.hpp"

namespace {

using parley::fuzz::strict_utf8;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool contains_nocase(std::string_view hay, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    bool same = true;
    for (std::size_t k = 0; k < needle.size() && same; ++k) same = lower(hay[i + k]) == needle[k];
    if (same) return true;
  }
  return false;
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// An attribute value as a browser reads it: the character references decoded. Only
// the forms an HTML renderer writes; any other '&' is refused by check_entities.
std::string decode_attribute(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    if (v[i] != '&') {
      out += v[i++];
      continue;
    }
    const std::size_t semi = v.find(';', i);
    FUZZ_CHECK(semi != std::string_view::npos);
    const std::string_view ref = v.substr(i + 1, semi - i - 1);
    unsigned long cp = 0;
    if (ref == "amp") {
      cp = '&';
    } else if (ref == "lt") {
      cp = '<';
    } else if (ref == "gt") {
      cp = '>';
    } else if (ref == "quot") {
      cp = '"';
    } else if (ref.starts_with("#x") || ref.starts_with("#X")) {
      for (char c : ref.substr(2)) {
        cp = std::min(cp * 16 + (c <= '9' ? c - '0' : lower(c) - 'a' + 10), 0x110000ul);
      }
    } else if (ref.starts_with("#")) {
      for (char c : ref.substr(1)) cp = std::min(cp * 10 + (c - '0'), 0x110000ul);
    } else {
      FUZZ_CHECK(!"a named reference the checker does not know");
    }
    // Only ASCII matters for reading a scheme; anything else stays a marker byte.
    out += cp < 0x80 ? static_cast<char>(cp) : '\x80';
    i = semi + 1;
  }
  return out;
}

// The scheme of a URL as the WHATWG URL parser finds it (leading C0 controls and
// spaces dropped, tabs and newlines ignored anywhere), lower case; "" if relative.
std::string browser_scheme(std::string_view url) {
  std::size_t i = 0;
  while (i < url.size() && static_cast<unsigned char>(url[i]) <= 0x20) ++i;
  std::string scheme;
  for (; i < url.size(); ++i) {
    const char c = url[i];
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c == ':') return scheme;
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool later = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!(alpha || (!scheme.empty() && later))) return {};
    scheme += lower(c);
  }
  return {};
}

// Every '&' in the output starts a well-formed character reference.
void check_entities(std::string_view html) {
  for (std::size_t i = html.find('&'); i != std::string_view::npos; i = html.find('&', i + 1)) {
    const std::size_t semi = html.find(';', i);
    FUZZ_CHECK(semi != std::string_view::npos && semi - i <= 10);
    const std::string_view ref = html.substr(i + 1, semi - i - 1);
    bool ok = ref == "amp" || ref == "lt" || ref == "gt" || ref == "quot";
    if (ref.size() > 2 && ref[0] == '#' && (ref[1] == 'x' || ref[1] == 'X')) {
      ok = ref.substr(2).find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
    } else if (ref.size() > 1 && ref[0] == '#') {
      ok = is_digits(ref.substr(1));
    }
    FUZZ_CHECK(ok);
  }
}

struct Tag {
  bool closing = false;
  bool self_closing = false;  // " />"
  std::string name;
  std::map<std::string, std::string> attrs;  // raw (still escaped) values
};

// Reads the tag at html[i] == '<' and moves i past its '>'. Written for the form
// cmark-gfm's renderer writes; anything else fails the check.
Tag read_tag(std::string_view html, std::size_t& i) {
  Tag t;
  ++i;
  if (i < html.size() && html[i] == '/') {
    t.closing = true;
    ++i;
  }
  while (i < html.size() &&
         ((html[i] >= 'a' && html[i] <= 'z') || (html[i] >= '0' && html[i] <= '9')))
    t.name += html[i++];
  FUZZ_CHECK(!t.name.empty());
  while (true) {
    FUZZ_CHECK(i < html.size());
    if (html[i] == '>') {
      ++i;
      return t;
    }
    if (html.substr(i, 3) == " />") {
      t.self_closing = true;
      i += 3;
      return t;
    }
    FUZZ_CHECK(html[i] == ' ' && !t.closing);
    ++i;
    const std::size_t eq = html.find("=\"", i);
    FUZZ_CHECK(eq != std::string_view::npos);
    const std::string name(html.substr(i, eq - i));
    FUZZ_CHECK(!name.empty() &&
               name.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos);
    const std::size_t end = html.find('"', eq + 2);
    FUZZ_CHECK(end != std::string_view::npos);
    const std::string_view value = html.substr(eq + 2, end - eq - 2);
    FUZZ_CHECK(value.find_first_of("<>") == std::string_view::npos);
    FUZZ_CHECK(t.attrs.emplace(name, value).second);  // no attribute twice
    i = end + 1;
  }
}

// The tags the supported syntax renders to, each with the attributes it may carry.
void check_tag(const Tag& t) {
  static const std::set<std::string> plain = {"p",  "br", "em",         "strong", "del", "pre",
                                              "ul", "li", "blockquote", "h1",     "h2",  "h3",
                                              "h4", "h5", "h6",         "hr"};
  if (t.closing) return;
  if (plain.contains(t.name)) {
    FUZZ_CHECK(t.attrs.empty());
  } else if (t.name == "code") {  // fenced code's info string
    FUZZ_CHECK(t.attrs.empty() || (t.attrs.size() == 1 && t.attrs.contains("class") &&
                                   t.attrs.at("class").starts_with("language-")));
  } else if (t.name == "ol") {
    FUZZ_CHECK(t.attrs.empty() || (t.attrs.size() == 1 && t.attrs.contains("start") &&
                                   is_digits(t.attrs.at("start"))));
  } else if (t.name == "input") {  // a task list item's box
    FUZZ_CHECK(t.attrs.contains("type") && t.attrs.at("type") == "checkbox");
    FUZZ_CHECK(t.attrs.contains("disabled"));
    for (const auto& [name, value] : t.attrs) {
      FUZZ_CHECK(name == "type" || ((name == "checked" || name == "disabled") && value.empty()));
    }
  } else if (t.name == "a") {
    FUZZ_CHECK(t.attrs.contains("href"));
    FUZZ_CHECK(t.attrs.contains("target") && t.attrs.at("target") == "_blank");
    FUZZ_CHECK(t.attrs.contains("rel") && t.attrs.at("rel") == "noopener noreferrer");
    for (const auto& kv : t.attrs) {
      FUZZ_CHECK(kv.first == "href" || kv.first == "title" || kv.first == "target" ||
                 kv.first == "rel");
    }
    const std::string scheme = browser_scheme(decode_attribute(t.attrs.at("href")));
    FUZZ_CHECK(scheme.empty() || scheme == "http" || scheme == "https" || scheme == "mailto");
  } else {
    FUZZ_CHECK(!"a tag the renderer never makes");
  }
}

void check_fragment(std::string_view html) {
  FUZZ_CHECK(strict_utf8(html));
  FUZZ_CHECK(!contains_nocase(html, "<script"));
  FUZZ_CHECK(!contains_nocase(html, "<img"));
  check_entities(html);
  static const std::set<std::string> empty_elements = {"br", "hr", "input"};
  std::vector<std::string> open;
  for (std::size_t i = 0; i < html.size();) {
    FUZZ_CHECK(html[i] != '>');  // text escapes '>', so one outside a tag is a leak
    if (html[i] != '<') {
      ++i;
      continue;
    }
    const Tag t = read_tag(html, i);
    check_tag(t);
    if (empty_elements.contains(t.name)) {
      FUZZ_CHECK(!t.closing);
    } else if (t.closing) {
      FUZZ_CHECK(!open.empty() && open.back() == t.name);
      open.pop_back();
    } else {
      FUZZ_CHECK(!t.self_closing);
      open.push_back(t.name);
    }
  }
  FUZZ_CHECK(open.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string html = parley::text::render_markdown(text);
  if (text.empty()) FUZZ_CHECK(html.empty());
  check_fragment(html);
  // The shortcut for plain text must render what cmark-gfm renders.
  FUZZ_CHECK(html == parley::text::render_markdown_cmark(text));
  if (auto plain = parley::text::render_plain_paragraph(text)) FUZZ_CHECK(*plain == html);
  return 0;
}
