#include "web/event_html.hpp"

#include "web/fragments.hpp"
#include "web/html.hpp"

namespace parley::web {

// Messages and member events are appended to the list by htmx (sse-swap); edits,
// deletes and reactions are applied by the page's script (static/js/live.js) from
// these elements' data attributes, so they carry what it needs and nothing per viewer.
std::string event_html(const chat::Event& e) {
  std::string out;
  auto seq = std::to_string(e.seq);
  switch (e.kind) {
    case chat::EventKind::message:
      append_message(out, e, nullptr, false);
      break;
    case chat::EventKind::member:
      append_system(out, e);
      break;
    case chat::EventKind::edit:
      out += "<div class=\"edit\"";
      attr(out, "data-seq", seq);
      attr(out, "data-target", std::to_string(e.target_seq));
      attr(out, "data-text", e.text);
      out += '>';
      out += e.html;  // rendered by cmark-gfm with raw HTML disabled: safe as is
      out += "</div>";
      break;
    case chat::EventKind::del:
      out += "<div class=\"delete\"";
      attr(out, "data-seq", seq);
      attr(out, "data-target", std::to_string(e.target_seq));
      out += "></div>";
      break;
    case chat::EventKind::reaction:
      out += "<div class=\"reaction\"";
      attr(out, "data-seq", seq);
      attr(out, "data-target", std::to_string(e.target_seq));
      attr(out, "data-user", e.user_id);
      attr(out, "data-emoji", e.emoji);
      attr(out, "data-on", e.on ? "true" : "false");
      out += "></div>";
      break;
    case chat::EventKind::preview:
      out += "<aside class=\"preview\"";
      attr(out, "data-seq", seq);
      attr(out, "data-target", std::to_string(e.target_seq));
      out += "><a rel=\"noopener noreferrer\" target=\"_blank\"";
      // Only web links: a javascript: URL must never become a clickable href.
      attr(out, "href",
           e.url.starts_with("https://") || e.url.starts_with("http://") ? e.url : "#");
      out += '>';
      escaped(out, e.title);
      out += "</a></aside>";
      break;
  }
  return out;
}

}  // namespace parley::web
