// render_log: how a page of the log becomes the message list — grouping under one
// header (same author, less than k_group_window_ms apart, no system line between),
// deleted messages left out, edits folded in, and everything a user wrote escaped.
#include "web/fragments.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::web {
namespace {

constexpr chat::TimeMs t0 = 1'800'000'000'000;

chat::Event message(chat::Seq seq, const std::string& author, chat::TimeMs at,
                    const std::string& text = "hi") {
  chat::Event e;
  e.kind = chat::EventKind::message;
  e.room = "r";
  e.seq = seq;
  e.created_at = at;
  e.author = {author, author + " name", ""};
  e.text = text;
  e.html = "<p>" + text + "</p>";
  return e;
}

chat::Event joined(chat::Seq seq, const std::string& user) {
  chat::Event e;
  e.kind = chat::EventKind::member;
  e.room = "r";
  e.seq = seq;
  e.member = {user, user + " name", ""};
  e.action = chat::MemberAction::joined;
  return e;
}

// The class attribute of each article.msg, in order.
std::vector<std::string> classes(const std::string& html) {
  std::vector<std::string> out;
  const std::string open = "<article class=\"";
  for (auto at = html.find(open); at != std::string::npos; at = html.find(open, at + 1)) {
    const auto from = at + open.size();
    out.push_back(html.substr(from, html.find('"', from) - from));
  }
  return out;
}

TEST(RenderLog, groups_one_authors_messages_closer_than_the_window) {
  const std::vector<chat::Event> log = {
      message(1, "ann", t0),
      message(2, "ann", t0 + k_group_window_ms - 1),      // just inside: grouped
      message(3, "ann", t0 + 2 * k_group_window_ms - 1),  // exactly the window after 2: not
      message(4, "bob", t0 + 2 * k_group_window_ms),      // another author: not
      message(5, "ann", t0 + 2 * k_group_window_ms + 1),  // back to ann: a new group
  };
  EXPECT_EQ(classes(render_log(log, {})),
            (std::vector<std::string>{"msg", "msg grouped", "msg", "msg", "msg"}));
}

TEST(RenderLog, a_system_line_ends_a_group) {
  const std::vector<chat::Event> log = {message(1, "ann", t0), joined(2, "bob"),
                                        message(3, "ann", t0 + 1), message(4, "ann", t0 + 2)};
  const std::string html = render_log(log, {});
  EXPECT_EQ(classes(html), (std::vector<std::string>{"msg", "msg", "msg grouped"}));
  EXPECT_NE(html.find("data-action=\"joined\""), std::string::npos);
}

TEST(RenderLog, deleted_messages_are_left_out_and_edits_shown) {
  const std::vector<chat::Event> log = {message(1, "ann", t0, "first"),
                                        message(2, "bob", t0 + 1, "gone"),
                                        message(3, "ann", t0 + 2, "third")};
  std::vector<store::MessageAnnotation> notes(2);
  notes[0].seq = 2;
  notes[0].deleted = true;
  notes[1].seq = 3;
  notes[1].edited = true;
  notes[1].text = "third, edited";
  notes[1].html = "<p>third, edited</p>";
  const std::string html = render_log(log, notes);
  EXPECT_EQ(html.find("gone"), std::string::npos);
  EXPECT_NE(html.find("third, edited"), std::string::npos);
  // With bob's message gone, ann's two are one run.
  EXPECT_EQ(classes(html), (std::vector<std::string>{"msg", "msg grouped"}));
}

TEST(RenderLog, what_users_wrote_is_escaped) {
  chat::Event e = message(1, "ann", t0);
  e.author.name = "<img src=x onerror=alert(1)>";
  e.text = "<script>alert(2)</script>";
  const std::string html = render_log(std::vector<chat::Event>{e}, {});
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  // The source kept for editing, in an attribute.
  EXPECT_NE(html.find("data-text=\"&lt;script&gt;alert(2)&lt;/script&gt;\""), std::string::npos)
      << html;
}

}  // namespace
}  // namespace parley::web
