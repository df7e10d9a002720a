#include "web/fragments.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "chat/time_format.hpp"
#include "web/html.hpp"

namespace parley::web {

namespace {

// "14:05" in UTC: shown until the page's script puts the viewer's local time in.
std::string clock_time(chat::TimeMs ms) {
  const std::string t = chat::format_time(ms);
  return t.substr(t.find('T') + 1, 5);
}

std::string_view action_text(chat::MemberAction a) {
  switch (a) {
    case chat::MemberAction::joined:
      return "joined";
    case chat::MemberAction::left:
      return "left";
    case chat::MemberAction::added:
      return "was added";
    case chat::MemberAction::removed:
      return "was removed";
  }
  return "";
}

}  // namespace

void append_reactions(std::string& out,
                      const std::vector<store::MessageAnnotation::Reaction>& reactions) {
  for (const auto& r : reactions) {
    std::string ids;
    std::string names;
    boost::json::array name_list;
    for (const auto& u : r.users) {
      if (!ids.empty()) ids += ' ';
      ids += u.id;
      if (!names.empty()) names += ", ";
      names += u.name;
      name_list.emplace_back(u.name);
    }
    out += "<button type=\"button\" class=\"reaction\"";
    attr(out, "data-emoji", r.emoji);
    attr(out, "data-users", ids);
    attr(out, "data-names", boost::json::serialize(name_list));
    attr(out, "title", names);
    out += "><span class=\"emoji\">";
    escaped(out, r.emoji);
    out += "</span> <span class=\"count\">" + std::to_string(r.users.size()) + "</span></button>";
  }
}

void append_message(std::string& out, const chat::Event& m, const store::MessageAnnotation* note,
                    bool grouped) {
  const auto seq = std::to_string(m.seq);
  const bool edited = note != nullptr && note->edited;
  out += grouped ? "<article class=\"msg grouped\"" : "<article class=\"msg\"";
  attr(out, "id", "m-" + seq);
  attr(out, "data-seq", seq);
  attr(out, "data-author", m.author.id);
  attr(out, "data-time", std::to_string(m.created_at));
  attr(out, "data-text", edited ? note->text : m.text);
  out += " tabindex=\"-1\"><div class=\"avatar\" aria-hidden=\"true\">";
  // The first character of the name (one UTF-8 sequence), for the round avatar.
  std::size_t n = m.author.name.empty() ? 0 : 1;
  while (n < m.author.name.size() && (static_cast<unsigned char>(m.author.name[n]) & 0xC0) == 0x80)
    ++n;
  escaped(out, std::string_view(m.author.name).substr(0, n));
  out += "</div><div class=\"content\"><header><span class=\"author\">";
  escaped(out, m.author.name);
  out += "</span> <time";
  attr(out, "datetime", chat::format_time(m.created_at));
  out += '>';
  out += clock_time(m.created_at);
  out += "</time>";
  if (edited) out += " <span class=\"edited\">(edited)</span>";
  out += "</header><div class=\"body\">";
  // Rendered by cmark-gfm with raw HTML disabled when stored: safe as it is.
  out += edited ? note->html : m.html;
  out += "</div><div class=\"reactions\">";
  if (note != nullptr) append_reactions(out, note->reactions);
  out +=
      "</div></div><div class=\"actions\"><button type=\"button\" class=\"react\" "
      "aria-label=\"Add reaction\" title=\"Add reaction\">&#9786;</button><button "
      "type=\"button\" class=\"edit-msg\" aria-label=\"Edit message\" title=\"Edit (e)\">&#9998;"
      "</button><button type=\"button\" class=\"delete-msg\" aria-label=\"Delete message\" "
      "title=\"Delete (d)\">&#128465;</button></div></article>";
}

void append_system(std::string& out, const chat::Event& e) {
  out += "<p class=\"system\"";
  attr(out, "id", "e-" + std::to_string(e.seq));
  attr(out, "data-seq", std::to_string(e.seq));
  attr(out, "data-user", e.member.id);
  attr(out, "data-name", e.member.name);
  attr(out, "data-action", chat::to_string(e.action));
  out += "><span class=\"who\">";
  escaped(out, e.member.name);
  out += "</span> ";
  out += action_text(e.action);
  out += "</p>";
}

std::string render_log(std::span<const chat::Event> events,
                       std::span<const store::MessageAnnotation> notes) {
  std::string out;
  out.reserve(events.size() * 600);
  const chat::Event* previous = nullptr;  // the last message shown, for grouping
  for (const auto& e : events) {
    if (e.kind == chat::EventKind::member) {
      append_system(out, e);
      previous = nullptr;
      continue;
    }
    if (e.kind != chat::EventKind::message) continue;  // folded into `notes`
    auto it = std::lower_bound(notes.begin(), notes.end(), e.seq,
                               [](const auto& n, chat::Seq s) { return n.seq < s; });
    const store::MessageAnnotation* note = it != notes.end() && it->seq == e.seq ? &*it : nullptr;
    if (note != nullptr && note->deleted) continue;
    const bool grouped = previous != nullptr && previous->author.id == e.author.id &&
                         e.created_at - previous->created_at < k_group_window_ms;
    append_message(out, e, note, grouped);
    previous = &e;
  }
  return out;
}

}  // namespace parley::web
