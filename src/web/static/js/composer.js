// The composer: Enter sends on a physical keyboard (Shift+Enter, and Enter on a
// touch keyboard, add a newline); the draft is kept per room in localStorage and
// cleared once the server took the message; the message itself shows up through
// the room's stream, as it does for everyone. Typing notices are sent at most every
// 3 s while typing, and turned off on send.
(function () {
  'use strict';
  var P = window.parley;
  var form = document.getElementById('composer');
  if (!form) return;
  var box = form.querySelector('textarea[name=text]');
  var error = document.getElementById('composer-error');
  var roomId = P.roomId();
  var KEY = 'parley:draft:' + roomId;
  var lastTyping = 0;
  // No fine pointer at all: a phone or tablet, whose Enter key is for newlines.
  var touchOnly = window.matchMedia('(pointer: coarse)').matches &&
    !window.matchMedia('(any-pointer: fine)').matches;

  function fit() {
    box.style.height = 'auto';
    box.style.height = Math.min(box.scrollHeight, 240) + 'px';
  }
  function saveDraft() {
    try {
      if (box.value) localStorage.setItem(KEY, box.value); else localStorage.removeItem(KEY);
    } catch (e) { /* no storage: no drafts */ }
  }
  function showError(text) {
    error.textContent = text;
    error.hidden = !text;
  }
  function typing(on) {
    var now = Date.now();
    if (on && now - lastTyping < 3000) return;
    if (!on && !lastTyping) return;
    lastTyping = on ? now : 0;
    P.post('/rooms/' + roomId + '/typing', { on: on ? '1' : '0' }).catch(function () {});
  }
  function clientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  try { box.value = localStorage.getItem(KEY) || ''; } catch (e) { /* none */ }
  fit();

  box.addEventListener('input', function () {
    fit();
    saveDraft();
    if (error.textContent) showError('');
    typing(box.value.trim() !== '');
  });

  box.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229 || touchOnly) return;
    e.preventDefault();
    if (box.value.trim()) form.requestSubmit();
  });

  // Before htmx serialises the form: one client_id per message, so a retry of the
  // same request is stored once.
  form.addEventListener('submit', function (e) {
    if (!box.value.trim()) { e.preventDefault(); e.stopImmediatePropagation(); return; }
    form.elements.client_id.value = clientId();
  }, true);

  form.addEventListener('htmx:afterRequest', function (e) {
    if (e.detail.elt !== form) return;
    var xhr = e.detail.xhr;
    if (e.detail.successful) {
      box.value = '';
      saveDraft();
      fit();
      showError('');
      typing(false);
      box.focus();
    } else if (xhr && xhr.status) {
      showError(xhr.status === 429 ? 'You are sending too fast; wait a moment.' :
        xhr.status === 413 ? 'That message is too long.' :
        (xhr.responseText || 'The message could not be sent.'));
    } else {
      showError('No connection; your message is kept here. Try again.');
    }
  });
})();
