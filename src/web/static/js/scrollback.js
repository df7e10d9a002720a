// Infinite scrollback: #scrollback-sentinel at the top of the list loads the page
// before it when it comes into view (htmx, hx-trigger="intersect once") and is
// replaced by those messages and, while more exist, a new sentinel. The view stays
// where the reader was. The list opens scrolled to the newest message, or to the
// first unread one (P.toStart).
(function () {
  'use strict';
  var P = window.parley;
  var list = P.messages();
  if (!list) return;
  var fromBottom = null;

  list.addEventListener('htmx:beforeSwap', function (e) {
    if (e.detail.target && e.detail.target.id === 'scrollback-sentinel') {
      fromBottom = list.scrollHeight - list.scrollTop;
      // Older messages are not news: keep screen readers from announcing the page.
      list.setAttribute('aria-busy', 'true');
    }
  });
  // The first of the swap's events that reach the list (htmx fires them on each new
  // element) restores the position; the rest find nothing to do.
  function restore() {
    if (fromBottom === null) return;
    P.touch(list);
    P.regroup();
    P.updateSeen();
    list.scrollTop = list.scrollHeight - fromBottom;
    fromBottom = null;
    list.removeAttribute('aria-busy');
  }
  list.addEventListener('htmx:afterSwap', restore);
  list.addEventListener('htmx:afterSettle', restore);

  document.addEventListener('DOMContentLoaded', function () { P.toStart(); });
  window.addEventListener('load', function () { P.toStart(); });
})();
