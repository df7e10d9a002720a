// Reactions: a pill (button.reaction) toggles the viewer's reaction with that
// emoji; button.react opens a small picker (.emoji-picker). The new state arrives
// through the room's stream (live.js), for the reactor as for everyone.
(function () {
  'use strict';
  var P = window.parley;
  var roomId = P.roomId();
  if (!roomId) return;
  var EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];

  function react(msg, emoji) {
    return P.act('Could not react', '/rooms/' + roomId + '/messages/' + msg.dataset.seq + '/react',
      { emoji: emoji });
  }
  function closePicker(focusBack) {
    var open = document.querySelector('.emoji-picker');
    if (!open) return;
    var opener = open.closest('article.msg')?.querySelector('button.react');
    open.remove();
    if (opener) opener.setAttribute('aria-expanded', 'false');
    if (focusBack && opener) opener.focus();
  }
  function openPicker(btn) {
    var msg = btn.closest('article.msg');
    var picker = document.createElement('div');
    picker.className = 'emoji-picker';
    picker.setAttribute('role', 'group');
    picker.setAttribute('aria-label', 'Pick a reaction');
    EMOJI.forEach(function (emoji) {
      var b = document.createElement('button');
      b.type = 'button';
      b.dataset.emoji = emoji;
      b.textContent = emoji;
      b.setAttribute('aria-label', 'React with ' + emoji);
      picker.appendChild(b);
    });
    msg.querySelector('.content').appendChild(picker);
    btn.setAttribute('aria-expanded', 'true');
    picker.querySelector('button').focus();
  }

  document.addEventListener('click', function (e) {
    // Only members react (a visitor of a public room sees the pills, disabled).
    if (!P.member()) return;
    var pill = e.target.closest('#messages button.reaction');
    if (pill) { react(pill.closest('article.msg'), pill.dataset.emoji); return; }
    var choice = e.target.closest('.emoji-picker button[data-emoji]');
    if (choice) {
      react(choice.closest('article.msg'), choice.dataset.emoji);
      closePicker(true);
      return;
    }
    var opener = e.target.closest('#messages button.react');
    if (opener) {
      var wasOpen = opener.getAttribute('aria-expanded') === 'true';
      closePicker(false);
      if (!wasOpen) openPicker(opener);
      return;
    }
    if (!e.target.closest('.emoji-picker')) closePicker(false);
  });

  document.addEventListener('keydown', function (e) {
    var picker = e.target.closest && e.target.closest('.emoji-picker');
    if (!picker) return;
    var buttons = Array.from(picker.querySelectorAll('button'));
    var i = buttons.indexOf(e.target);
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); closePicker(true); }
    else if (e.key === 'ArrowRight') { e.preventDefault(); buttons[(i + 1) % buttons.length].focus(); }
    else if (e.key === 'ArrowLeft') {
      e.preventDefault();
      buttons[(i - 1 + buttons.length) % buttons.length].focus();
    }
  });
})();
