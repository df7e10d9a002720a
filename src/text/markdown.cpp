#include "text/markdown.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <array>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "text/plain_paragraph.hpp"

namespace parley::text {

namespace {

// Safe mode is cmark-gfm's default: without CMARK_OPT_UNSAFE, raw HTML is replaced by
// a comment and dangerous URLs by "". HARDBREAKS because a chat user who presses
// Shift+Enter means a new line. Double-tilde strikethrough only, because people write
// "~5 min" and "~/src" in chat and do not mean to strike anything through.
constexpr int k_options =
    CMARK_OPT_HARDBREAKS | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE;

// Tables are left out on purpose: chat clients do not render them (messages are
// narrow), and the table extension is where cmark-gfm's quadratic-time bugs were.
constexpr std::array<const char*, 3> k_extension_names = {"strikethrough", "autolink", "tasklist"};

struct Extensions {
  std::array<cmark_syntax_extension*, k_extension_names.size()> list{};
};

// Registering extensions mutates cmark-gfm's global registry, so it happens exactly
// once; after that the registry is only read.
const Extensions& extensions() {
  static std::once_flag once;
  static Extensions exts;
  std::call_once(once, [] {
    cmark_gfm_core_extensions_ensure_registered();
    for (std::size_t i = 0; i < k_extension_names.size(); ++i) {
      exts.list[i] = cmark_find_syntax_extension(k_extension_names[i]);
      if (exts.list[i] == nullptr) {
        throw std::logic_error(std::string("cmark-gfm extension missing: ") + k_extension_names[i]);
      }
    }
  });
  return exts;
}

// cmark-gfm keeps the "special inline characters" of extensions (~ for strikethrough,
// : w @ for autolink) in process-wide tables, which every parse adds to on entry and
// clears on exit (cmark_manage_extensions_special_characters). Two parses at once
// would race, and one could clear '~' under the other's feet. So parsing is serialised;
// rendering the finished tree touches no shared state and runs outside the lock. A
// chat message is at most a few KiB, so the critical section is microseconds.
std::mutex g_parse_mutex;

struct ParserFree {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct CharFree {
  void operator()(char* s) const { cmark_get_default_mem_allocator()->free(s); }
};

bool is_ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// The URL's scheme in lower case, or "" if it has none (a relative URL). Mirrors how
// browsers read it: leading C0 controls and spaces are dropped and tabs and newlines
// anywhere are ignored, so "java\tscript:" is still javascript:.
std::string scheme_of(std::string_view url) {
  std::size_t i = 0;
  while (i < url.size() && static_cast<unsigned char>(url[i]) <= 0x20) ++i;
  std::string scheme;
  for (; i < url.size(); ++i) {
    const char c = url[i];
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c == ':') return scheme;
    const bool ok =
        is_ascii_alpha(c) ||
        (!scheme.empty() && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return {};  // '/', '?', '#' or anything else first: no scheme.
    scheme.push_back(ascii_lower(c));
  }
  return {};
}

// An allow-list rather than cmark's deny-list: a scheme nobody thought of (or a
// browser's private one) stays text.
bool is_allowed_url(std::string_view url, bool image) {
  const std::string scheme = scheme_of(url);
  if (scheme.empty() || scheme == "http" || scheme == "https") return true;
  return !image && scheme == "mailto";
}

// Replaces each link or image whose URL is not allowed by its content (the link text,
// or the image's alt text), so it renders as plain text instead of a dead <a href="">.
void unlink_disallowed_urls(cmark_node* root) {
  std::vector<cmark_node*> doomed;
  cmark_iter* iter = cmark_iter_new(root);
  for (auto ev = cmark_iter_next(iter); ev != CMARK_EVENT_DONE; ev = cmark_iter_next(iter)) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter);
    const auto type = cmark_node_get_type(node);
    if (type != CMARK_NODE_LINK && type != CMARK_NODE_IMAGE) continue;
    const char* url = cmark_node_get_url(node);
    if (!is_allowed_url(url ? url : "", type == CMARK_NODE_IMAGE)) doomed.push_back(node);
  }
  cmark_iter_free(iter);
  // Edited after the walk: the iterator does not survive changes to the tree.
  for (cmark_node* node : doomed) {
    while (cmark_node* child = cmark_node_first_child(node)) {
      cmark_node_insert_before(node, child);
    }
    cmark_node_free(node);
  }
}

// Replaces each image by a link to it, its alt text (or, without one, its URL) as
// the link text (inside a link: by its alt text, in italics). The pages' CSP allows no third-party
// images, so an <img> would show broken; and loading one would tell its host the IP address of
// everyone who reads the message. Until a media proxy exists, a reader follows the link if they
// choose.
void images_to_links(cmark_node* root) {
  std::vector<cmark_node*> images;
  cmark_iter* iter = cmark_iter_new(root);
  for (auto ev = cmark_iter_next(iter); ev != CMARK_EVENT_DONE; ev = cmark_iter_next(iter)) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter);
    if (cmark_node_get_type(node) == CMARK_NODE_IMAGE) images.push_back(node);
  }
  cmark_iter_free(iter);
  for (cmark_node* image : images) {
    const char* url = cmark_node_get_url(image);
    const char* title = cmark_node_get_title(image);
    // An image inside a link (a badge) becomes that link's text: links do not nest.
    bool in_link = false;
    for (cmark_node* up = cmark_node_parent(image); up != nullptr && !in_link;
         up = cmark_node_parent(up)) {
      in_link = cmark_node_get_type(up) == CMARK_NODE_LINK;
    }
    cmark_node* link = cmark_node_new(in_link ? CMARK_NODE_EMPH : CMARK_NODE_LINK);
    if (!in_link) {
      cmark_node_set_url(link, url ? url : "");
      if (title != nullptr && *title != '\0') cmark_node_set_title(link, title);
    }
    while (cmark_node* child = cmark_node_first_child(image)) cmark_node_append_child(link, child);
    if (cmark_node_first_child(link) == nullptr) {
      cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
      cmark_node_set_literal(text, url ? url : "");
      cmark_node_append_child(link, text);
    }
    cmark_node_insert_before(image, link);
    cmark_node_free(image);
  }
}

// Turns raw HTML into text, so `<img src=x onerror=...>` is shown as the user typed
// it (escaped by the renderer) instead of silently vanishing: chat users paste HTML
// to talk about it. Inline HTML becomes a text node; an HTML block becomes a
// paragraph holding its text.
void show_raw_html_as_text(cmark_node* root) {
  std::vector<cmark_node*> raw;
  cmark_iter* iter = cmark_iter_new(root);
  for (auto ev = cmark_iter_next(iter); ev != CMARK_EVENT_DONE; ev = cmark_iter_next(iter)) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter);
    const auto type = cmark_node_get_type(node);
    if (type == CMARK_NODE_HTML_INLINE || type == CMARK_NODE_HTML_BLOCK) raw.push_back(node);
  }
  cmark_iter_free(iter);
  for (cmark_node* node : raw) {
    const char* literal = cmark_node_get_literal(node);
    std::string content = literal ? literal : "";
    const bool block = cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK;
    if (block) {
      while (!content.empty() && (content.back() == '\n' || content.back() == '\r'))
        content.pop_back();
    }
    cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(text, content.c_str());
    if (block) {
      cmark_node* para = cmark_node_new(CMARK_NODE_PARAGRAPH);
      cmark_node_append_child(para, text);
      text = para;
    }
    cmark_node_insert_before(node, text);
    cmark_node_free(node);
  }
}

// Adds target and rel to every link. Sound as a textual edit because the input cannot
// carry HTML: without CMARK_OPT_UNSAFE cmark omits raw HTML and escapes '<' in text,
// code and attribute values, so every "<a href" in the output is a link cmark made.
std::string add_link_attributes(std::string_view html) {
  constexpr std::string_view k_open = "<a href=\"";
  constexpr std::string_view k_attrs = " target=\"_blank\" rel=\"noopener noreferrer\"";
  std::string out;
  out.reserve(html.size() + 64);
  std::size_t pos = 0;
  while (true) {
    const std::size_t at = html.find(k_open, pos);
    if (at == std::string_view::npos) {
      out.append(html.substr(pos));
      return out;
    }
    out.append(html.substr(pos, at - pos));
    out.append("<a");
    out.append(k_attrs);
    pos = at + 2;  // Continue at " href=".
  }
}

}  // namespace

std::string render_markdown(std::string_view text) {
  if (text.empty()) return {};
  if (auto plain = render_plain_paragraph(text)) return std::move(*plain);
  return render_markdown_cmark(text);
}

std::string render_markdown_cmark(std::string_view text) {
  if (text.empty()) return {};
  const Extensions& exts = extensions();

  std::unique_ptr<cmark_parser, ParserFree> parser(cmark_parser_new(k_options));
  if (!parser) throw std::bad_alloc();
  std::unique_ptr<cmark_node, NodeFree> doc;
  {
    std::lock_guard lock(g_parse_mutex);
    for (cmark_syntax_extension* ext : exts.list) {
      cmark_parser_attach_syntax_extension(parser.get(), ext);
    }
    cmark_parser_feed(parser.get(), text.data(), text.size());
    doc.reset(cmark_parser_finish(parser.get()));
  }
  if (!doc) throw std::bad_alloc();

  show_raw_html_as_text(doc.get());
  unlink_disallowed_urls(doc.get());
  images_to_links(doc.get());

  std::unique_ptr<char, CharFree> html(
      cmark_render_html(doc.get(), k_options, cmark_parser_get_syntax_extensions(parser.get())));
  if (!html) throw std::bad_alloc();
  return add_link_attributes(html.get());
}

}  // namespace parley::text
