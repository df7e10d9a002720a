#include "web/event_html.hpp"

#include "text/html_escape.hpp"
#include "transport/event_json.hpp"

namespace parley::web {

namespace {

void attr(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  text::append_escaped(out, value);
  out += '"';
}

}  // namespace

std::string event_html(const chat::Event& e) {
  std::string out;
  auto seq = std::to_string(e.seq);
  switch (e.kind) {
    case chat::EventKind::message:
      out += "<article class=\"msg\"";
      attr(out, "id", "m-" + seq);
      attr(out, "data-seq", seq);
      attr(out, "data-author", e.author.id);
      out += "><header><span class=\"author\">";
      text::append_escaped(out, e.author.name);
      out += "</span> <time";
      attr(out, "datetime", transport::format_time(e.created_at));
      out += "></time></header><div class=\"body\">";
      out += e.html;  // rendered by cmark-gfm with raw HTML disabled: safe as is
      out += "</div></article>";
      break;
    case chat::EventKind::edit:
      out += "<div class=\"edit\"";
      attr(out, "data-seq", seq);
      attr(out, "data-target", std::to_string(e.target_seq));
      out += '>';
      out += e.html;
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
    case chat::EventKind::member:
      out += "<p class=\"system\"";
      attr(out, "data-seq", seq);
      out += '>';
      text::append_escaped(out, e.member.name);
      out += ' ';
      out += chat::to_string(e.action);
      out += "</p>";
      break;
    case chat::EventKind::preview:
      out += "<aside class=\"preview\"";
      attr(out, "data-seq", seq);
      attr(out, "data-target", std::to_string(e.target_seq));
      out += "><a rel=\"noopener noreferrer\" target=\"_blank\"";
      attr(out, "href", e.url);
      out += '>';
      text::append_escaped(out, e.title);
      out += "</a></aside>";
      break;
  }
  return out;
}

}  // namespace parley::web
