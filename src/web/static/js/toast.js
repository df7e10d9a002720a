// A request of the room page that failed says so, politely: one #toast
// (role=status, so screen readers announce it without interrupting) with the
// server's reason. Sources: htmx requests (the members panel, scrollback, ...) and
// the page's own posts (reactions, edits, deletes, invites) through P.fail. The
// composer is left out: it shows its errors under itself (#composer-error).
(function () {
  'use strict';
  var P = window.parley;
  var SHOW_MS = 8000;
  var timer = null;

  // In the page from the start: a live region added together with its text is
  // often not announced.
  var el = document.createElement('div');
  el.id = 'toast';
  el.setAttribute('role', 'status');
  el.hidden = true;
  document.body.appendChild(el);

  function show(message) {
    el.textContent = message;
    el.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(function () { el.hidden = true; }, SHOW_MS);
  }

  // A short plain-text reason from the server is worth showing; an HTML page is not.
  function reason(status, text) {
    text = (text || '').trim();
    if (text && text.length <= 200 && text.charAt(0) !== '<') return text;
    return status ? 'the server answered ' + status : 'no connection';
  }

  P.fail = function (what, status, text) {
    show(what + ': ' + reason(status, text) + '.');
  };

  // P.post, and a toast when it did not work. Resolves to the Response (or null
  // when the request never got an answer).
  P.act = function (what, url, fields) {
    return P.post(url, fields).then(function (r) {
      if (!r.ok) r.clone().text().then(function (t) { P.fail(what, r.status, t); });
      return r;
    }, function () {
      P.fail(what, 0, '');
      return null;
    });
  };

  document.body.addEventListener('htmx:responseError', function (e) {
    if (e.detail.elt.closest('#composer')) return;
    P.fail('That did not work', e.detail.xhr.status, e.detail.xhr.responseText);
  });
  document.body.addEventListener('htmx:sendError', function (e) {
    if (e.detail.elt.closest('#composer')) return;
    P.fail('That did not work', 0, '');
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && !el.hidden) el.hidden = true;
  });
})();
