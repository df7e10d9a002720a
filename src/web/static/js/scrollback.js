// Paging the message list. Infinite scrollback: #scrollback-sentinel at the top of
// the list loads the page before it when it comes into view (htmx, hx-trigger=
// "intersect once") and is replaced by those messages and, while more exist, a new
// sentinel. A room opened at its first unread message has #newer-sentinel where the
// loaded messages stop short of the live ones (the stream starts at the room's end):
// it loads the page after it the same way, until the gap is closed. The view stays
// where the reader was. The list opens scrolled to the newest message, or to the
// first unread one (P.toStart).
(function () {
  'use strict';
  var P = window.parley;
  var list = P.messages();
  if (!list) return;
  // The swap of a sentinel under way: { fromBottom } keeps what is below the new
  // messages in place, null when what is above them stays put by itself.
  var pending = null;

  function finish() {
    if (!pending) return;
    P.touch(list);
    P.regroup();
    P.updateSeen();
    if (pending.fromBottom !== null) list.scrollTop = list.scrollHeight - pending.fromBottom;
    pending = null;
    list.removeAttribute('aria-busy');
    // The read marker may move on (unread.js): the list may now be complete to its end.
    document.dispatchEvent(new CustomEvent('parley:page'));
  }

  list.addEventListener('htmx:beforeSwap', function (e) {
    var target = e.detail.target;
    if (!target || (target.id !== 'scrollback-sentinel' && target.id !== 'newer-sentinel')) return;
    // Older messages come in above the reader. Newer ones come in below, unless the
    // reader has gone on past the sentinel (down to the live messages): then what is
    // in view stays, as with older ones (#messages has no scroll anchoring).
    var above = target.id === 'scrollback-sentinel' ||
      target.getBoundingClientRect().bottom <= list.getBoundingClientRect().top;
    pending = { fromBottom: above ? list.scrollHeight - list.scrollTop : null };
    // Earlier or later messages are not news: keep screen readers from announcing the page.
    list.setAttribute('aria-busy', 'true');
    if (!e.detail.serverResponse.trim()) {
      // Nothing to show (the rest of the gap were edits, reactions or deleted
      // messages): htmx would swap in nothing and fire no event on the list.
      e.detail.shouldSwap = false;
      target.remove();
      finish();
    }
  });
  // The first of the swap's events that reach the list (htmx fires them on each new
  // element) finishes it; the rest find nothing to do.
  list.addEventListener('htmx:afterSwap', finish);
  list.addEventListener('htmx:afterSettle', finish);

  document.addEventListener('DOMContentLoaded', function () { P.toStart(); });
  window.addEventListener('load', function () { P.toStart(); });
})();
