#include "web/layout.hpp"

#include <algorithm>
#include <cctype>

#include "web/html.hpp"

namespace parley::web {

namespace {

// htmx's defaults that clash with the strict CSP (an injected <style>, eval) are off.
constexpr std::string_view k_htmx_config =
    R"({"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,)"
    R"("selfRequestsOnly":true,"historyEnabled":false})";

// In the order they must run (all deferred, so after parsing, in this order).
constexpr std::string_view k_app_scripts[] = {
    "vendor/htmx.min.js", "vendor/sse.js", "js/parley.js",   "js/toast.js",    "js/confirm.js",
    "js/resume.js",       "js/live.js",    "js/composer.js", "js/keyboard.js", "js/reactions.js",
    "js/scrollback.js",   "js/unread.js",  "js/ui.js",       "js/members.js",  "js/random.js"};

bool less_by_name(const chat::RoomSummary& a, const chat::RoomSummary& b) {
  return std::lexicographical_compare(a.room.name.begin(), a.room.name.end(), b.room.name.begin(),
                                      b.room.name.end(), [](char x, char y) {
                                        return std::tolower(static_cast<unsigned char>(x)) <
                                               std::tolower(static_cast<unsigned char>(y));
                                      });
}

void append_room_link(std::string& out, const chat::RoomSummary& r, std::string_view current,
                      std::string_view label) {
  const bool open = r.room.id == current;
  out += "<li><a class=\"room-link";
  if (r.room.kind == chat::RoomKind::direct) out += " dm";
  out += '"';
  attr(out, "href", "/rooms/" + r.room.id);
  attr(out, "data-room", r.room.id);
  if (open) out += " aria-current=\"page\"";
  out += '>';
  if (r.room.kind == chat::RoomKind::group) {
    out += r.room.visibility == chat::Visibility::private_room
               ? "<span class=\"sigil\" aria-hidden=\"true\">&#128274;</span>"
               : "<span class=\"sigil\" aria-hidden=\"true\">#</span>";
  } else {
    out += "<span class=\"sigil\" aria-hidden=\"true\">@</span>";
  }
  out += "<span class=\"name\">";
  escaped(out, label);
  out += "</span><span class=\"badge\">";
  if (!open && r.unread > 0) out += std::to_string(r.unread);
  out += "</span></a></li>";
}

}  // namespace

std::string direct_room_title(const chat::Room& room, const chat::UserRef& me) {
  // direct_room() names the room "<a> & <b>"; the viewer wants the other one.
  const std::string& n = room.name;
  const std::string head = me.name + " & ";
  const std::string tail = " & " + me.name;
  if (n.starts_with(head) && n.size() > head.size()) return n.substr(head.size());
  if (n.ends_with(tail) && n.size() > tail.size()) return n.substr(0, n.size() - tail.size());
  return n;
}

std::string page(const Web& web, std::string_view title, const chat::UserRef* user,
                 std::string_view body) {
  std::string out =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"color-scheme\" content=\"light dark\"><title>";
  escaped(out, title);
  out += " — parley</title><link rel=\"icon\" type=\"image/svg+xml\"";
  attr(out, "href", web.assets.url("img/icon.svg"));
  out += "><link rel=\"stylesheet\"";
  attr(out, "href", web.assets.url("css/app.css"));
  // The random-chat page's styles, kept apart from the app's (one job per file).
  out += "><link rel=\"stylesheet\"";
  attr(out, "href", web.assets.url("css/random.css"));
  // Not deferred: it sets html[data-theme] before the first paint.
  out += "><script";
  attr(out, "src", web.assets.url("js/theme.js"));
  out += "></script>";
  if (user != nullptr) {
    out += "<meta name=\"htmx-config\"";
    attr(out, "content", k_htmx_config);
    out += '>';
    for (auto js : k_app_scripts) {
      out += "<script defer";
      attr(out, "src", web.assets.url(js));
      out += "></script>";
    }
  }
  out += "</head><body";
  if (user != nullptr) {
    attr(out, "data-user", user->id);
    attr(out, "data-user-name", user->name);
  }
  out += '>';
  out += body;
  out += "</body></html>";
  return out;
}

void append_sidebar(std::string& out, const std::vector<chat::RoomSummary>& rooms,
                    std::string_view current, const chat::UserRef& me) {
  std::vector<const chat::RoomSummary*> groups;
  std::vector<const chat::RoomSummary*> directs;  // newest activity first, as listed
  for (const auto& r : rooms) {
    // A random chat is reached through the Random chat link, not listed as a room.
    if (r.room.kind == chat::RoomKind::random) continue;
    (r.room.kind == chat::RoomKind::direct ? directs : groups).push_back(&r);
  }
  std::sort(groups.begin(), groups.end(),
            [](const auto* a, const auto* b) { return less_by_name(*a, *b); });

  out +=
      "<nav id=\"sidebar\" aria-label=\"Rooms\"><div class=\"brand\"><a href=\"/\">parley</a>"
      "</div><div class=\"section-head\"><h2 id=\"rooms-heading\">Rooms</h2>"
      "<button type=\"button\" id=\"new-room\" aria-haspopup=\"dialog\" "
      "aria-controls=\"new-room-dialog\" title=\"New room\"><span aria-hidden=\"true\">+</span>"
      "<span class=\"label\">New room</span></button></div>"
      "<ul id=\"room-list\" aria-labelledby=\"rooms-heading\">";
  for (const auto* r : groups) append_room_link(out, *r, current, r->room.name);
  out += "</ul>";
  out +=
      "<div class=\"section-head\"><h2 id=\"dm-heading\">Direct messages</h2></div>"
      "<ul id=\"dm-list\" aria-labelledby=\"dm-heading\">";
  for (const auto* r : directs) append_room_link(out, *r, current, direct_room_title(r->room, me));
  if (directs.empty()) {
    out += "<li class=\"empty\">Open one from a room's member list.</li>";
  }
  out += "</ul><ul id=\"more-list\" aria-label=\"More\"><li><a id=\"random-link\" ";
  out += "class=\"room-link random\" href=\"/random\"";
  if (current == k_random_page) out += " aria-current=\"page\"";
  out +=
      "><span class=\"sigil\" aria-hidden=\"true\">&#127922;</span><span class=\"name\">"
      "Random chat</span></a></li>";
  out += "</ul><div class=\"me\"><span class=\"who\">";
  escaped(out, me.name);
  out +=
      "</span><form method=\"post\" action=\"/logout\"><button type=\"submit\" "
      "class=\"link\">Sign out</button></form></div></nav>";
}

void append_topbar(std::string& out, const chat::Room* room, std::string_view title, bool member) {
  out +=
      "<header id=\"topbar\"><button type=\"button\" id=\"menu-toggle\" aria-controls=\"sidebar\" "
      "aria-expanded=\"false\" aria-label=\"Show rooms\"><span aria-hidden=\"true\">&#9776;"
      "</span><span class=\"badge\" aria-hidden=\"true\"></span></button><h1 id=\"room-name\">";
  if (room != nullptr && room->kind == chat::RoomKind::group) {
    out += room->visibility == chat::Visibility::private_room
               ? "<span class=\"sigil\" aria-hidden=\"true\">&#128274;</span>"
               : "<span class=\"sigil\" aria-hidden=\"true\">#</span>";
  }
  escaped(out, title);
  out += "</h1><div class=\"tools\">";
  if (room != nullptr && member && room->kind == chat::RoomKind::group &&
      room->visibility == chat::Visibility::private_room) {
    out +=
        "<button type=\"button\" id=\"invite\" aria-haspopup=\"dialog\" "
        "aria-controls=\"invite-panel\">Invite</button>";
  }
  if (room != nullptr && !member && room->kind == chat::RoomKind::group) {
    out += "<form method=\"post\" class=\"inline\"";
    attr(out, "action", "/rooms/" + room->id + "/join");
    out += "><button type=\"submit\" id=\"join\" class=\"primary\">Join</button></form>";
  }
  if (room != nullptr && member && room->kind == chat::RoomKind::group) {
    // Asked first (ui.js): leaving a private room needs a new invite to come back, and
    // the last member's leaving deletes the room.
    out += "<form method=\"post\" class=\"inline leave-room\"";
    attr(out, "action", "/rooms/" + room->id + "/leave");
    attr(out, "data-visibility", chat::to_string(room->visibility));
    out += "><button type=\"submit\" id=\"leave\">Leave</button></form>";
  }
  if (room != nullptr && member && room->kind == chat::RoomKind::random) {
    // Ends the chat for both; `room` so that a stale tab cannot end a newer chat.
    out +=
        "<form method=\"post\" action=\"/random/leave\" class=\"inline\" id=\"leave-form\">"
        "<input type=\"hidden\" name=\"room\"";
    attr(out, "value", room->id);
    out += "><button type=\"submit\" id=\"leave\">Leave</button></form>";
  }
  if (room != nullptr && room->kind != chat::RoomKind::random) {
    // Small screens have no room for the members panel beside the messages: it
    // slides in from this button (members.js), as the sidebar does from #menu-toggle.
    out +=
        "<button type=\"button\" id=\"members-toggle\" aria-controls=\"members\" "
        "aria-expanded=\"false\" aria-label=\"Show members\" title=\"Members\">"
        "<span aria-hidden=\"true\">&#128101;</span></button>";
  }
  out +=
      "<button type=\"button\" id=\"theme-toggle\" aria-label=\"Switch theme\" "
      "title=\"Switch theme\"><span aria-hidden=\"true\" class=\"icon\"></span></button>"
      "</div></header>";
}

void append_new_room_dialog(std::string& out) {
  out +=
      "<dialog id=\"new-room-dialog\" aria-labelledby=\"new-room-title\">"
      "<form method=\"post\" action=\"/rooms\"><h2 id=\"new-room-title\">New room</h2>"
      "<label for=\"new-room-name\">Name</label>"
      "<input id=\"new-room-name\" name=\"name\" required maxlength=\"80\" autocomplete=\"off\">"
      "<label for=\"new-room-visibility\">Who can join</label>"
      "<select id=\"new-room-visibility\" name=\"visibility\">"
      "<option value=\"public\">Public: anyone can find and join it</option>"
      "<option value=\"private\">Private: by invite only</option></select>"
      "<div class=\"buttons\"><button type=\"button\" class=\"cancel\">Cancel</button>"
      "<button type=\"submit\" class=\"primary\">Create room</button></div></form></dialog>";
}

}  // namespace parley::web
