// Keyboard on one's own messages: ArrowUp in an empty composer selects the newest
// own message; ArrowUp/ArrowDown move between own messages; `e` edits (Enter saves,
// Escape cancels), `d` or Delete deletes after asking, Escape goes back to the
// composer. The edit and delete buttons on a message do the same for pointer users.
(function () {
  'use strict';
  var P = window.parley;
  var box = document.getElementById('composer-text');
  if (!box) return;
  var roomId = P.roomId();

  function own() { return Array.from(document.querySelectorAll('#messages article.msg.own')); }
  function selected() { return document.querySelector('#messages article.msg.selected'); }
  function select(msg) {
    var old = selected();
    if (old) old.classList.remove('selected');
    if (!msg) { box.focus(); return; }
    msg.classList.add('selected');
    msg.focus();
    msg.scrollIntoView({ block: 'nearest' });
  }

  function startEdit(msg) {
    if (!msg || msg.querySelector('textarea.edit-input')) return;
    var body = msg.querySelector('.body');
    var input = document.createElement('textarea');
    input.className = 'edit-input';
    input.value = msg.dataset.text || body.textContent;
    input.setAttribute('aria-label', 'Edit message');
    input.rows = Math.min(8, input.value.split('\n').length + 1);
    body.hidden = true;
    body.after(input);
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
    function close() {
      input.remove();
      body.hidden = false;
      select(msg);
    }
    input.addEventListener('keydown', function (e) {
      e.stopPropagation();
      if (e.key === 'Escape') { e.preventDefault(); close(); return; }
      if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
      e.preventDefault();
      var text = input.value;
      if (!text.trim() || text === msg.dataset.text) { close(); return; }
      input.disabled = true;
      P.post('/rooms/' + roomId + '/messages/' + msg.dataset.seq + '/edit', { text: text })
        .then(function (r) {
          if (r.ok) { close(); return; }
          input.disabled = false;
          return r.text().then(function (t) { input.setCustomValidity(t); input.reportValidity(); });
        })
        .catch(function () { input.disabled = false; P.fail('Could not save the edit', 0, ''); });
    });
    input.addEventListener('input', function () { input.setCustomValidity(''); });
  }

  // Deleting asks first (confirm.js): Enter deletes, Escape keeps the message.
  function remove(msg, back) {
    if (!msg) return;
    P.confirm({
      title: 'Delete this message?',
      text: 'It is removed for everyone in the room. This cannot be undone.',
      ok: 'Delete',
    }).then(function (yes) {
      if (!msg.isConnected) return;
      if (!yes) { if (back) back.focus(); else select(msg); return; }
      var list = own();
      var i = list.indexOf(msg);
      var url = '/rooms/' + roomId + '/messages/' + msg.dataset.seq + '/delete';
      P.act('Could not delete the message', url).then(function (r) {
        if (!r || !r.ok) return;
        // Keep the selection going: the next older own message, else the composer.
        var next = list[i - 1] || list[i + 1];
        select(next && next.isConnected ? next : null);
      });
    });
  }

  box.addEventListener('keydown', function (e) {
    if (e.key !== 'ArrowUp' || box.value !== '' || e.shiftKey || e.altKey || e.ctrlKey) return;
    if (!P.member()) return;  // one who left can no longer edit what they wrote here
    var list = own();
    if (!list.length) return;
    e.preventDefault();
    select(list[list.length - 1]);
  });

  document.getElementById('messages').addEventListener('keydown', function (e) {
    var msg = selected();
    if (!msg || e.target !== msg || e.ctrlKey || e.metaKey || e.altKey) return;
    var list = own();
    var i = list.indexOf(msg);
    if (e.key === 'ArrowUp') { e.preventDefault(); if (i > 0) select(list[i - 1]); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); select(list[i + 1] || null); }
    else if (e.key === 'Escape') { e.preventDefault(); select(null); }
    else if (e.key === 'e') { e.preventDefault(); startEdit(msg); }
    else if (e.key === 'd' || e.key === 'Delete') { e.preventDefault(); remove(msg); }
  });

  document.addEventListener('focusin', function (e) {
    var msg = selected();
    if (msg && !msg.contains(e.target)) msg.classList.remove('selected');
  });

  document.addEventListener('click', function (e) {
    var btn = e.target.closest('article.msg.own button.edit-msg, article.msg.own button.delete-msg');
    if (!btn) return;
    var msg = btn.closest('article.msg');
    if (btn.classList.contains('edit-msg')) { msg.classList.add('selected'); startEdit(msg); }
    else remove(msg, btn);
  });
})();
