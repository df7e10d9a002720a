// What the page's scripts share: who is viewing, the open room, posting forms to
// the server, and the per-viewer touches on server-rendered messages (which are the
// same HTML for everyone): own messages, own reactions, local times, grouping.
(function () {
  'use strict';
  var GROUP_MS = 5 * 60 * 1000;
  var body = document.body;
  var names = new Map();  // user id -> display name, for "who reacted"

  function room() { return document.getElementById('room'); }

  var parley = {
    me: body.dataset.user || '',
    room: room,
    roomId: function () { var r = room(); return r ? r.dataset.room || '' : ''; },
    // Whether the viewer is a member of the open room: only members react, edit and
    // delete (a visitor of a public room only reads it).
    member: function () { var r = room(); return !!r && r.dataset.member === 'true'; },
    messages: function () { return document.getElementById('messages'); },
    // Takes a room that is gone out of the sidebar.
    dropRoomLink: function (id) {
      var a = document.querySelector('#sidebar a.room-link[data-room="' + CSS.escape(id) + '"]');
      if (a) (a.closest('li') || a).remove();
    },
    // Closes the open room's stream (the EventSource htmx opened on #live): a room
    // that is gone, or a page leaving, must not keep it open or let it retry.
    closeRoomStream: function () {
      var live = document.getElementById('live');
      var data = live && live['htmx-internal-data'];
      if (data && data.sseEventSource) data.sseEventSource.close();
    },

    // A form-encoded POST to one of the page routes; resolves to the Response.
    post: function (url, fields) {
      return fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'HX-Request': 'true' },
        body: new URLSearchParams(fields || {}),
      });
    },

    learnNames: function (root) {
      (root || document).querySelectorAll('#members li[data-user], p.system[data-user]')
        .forEach(function (el) { if (el.dataset.name) names.set(el.dataset.user, el.dataset.name); });
      (root || document).querySelectorAll('article.msg').forEach(function (a) {
        var n = a.querySelector('.author');
        if (n) names.set(a.dataset.author, n.textContent);
      });
      (root || document).querySelectorAll('button.reaction[data-names]').forEach(function (b) {
        var ids = (b.dataset.users || '').split(' ');
        var list = [];
        try { list = JSON.parse(b.dataset.names); } catch (e) { /* keep what we know */ }
        ids.forEach(function (id, i) { if (id && list[i]) names.set(id, list[i]); });
      });
    },
    nameOf: function (id) { return names.get(id) || 'someone'; },

    // The viewer's own reaction is highlighted; the title says who reacted.
    paintReaction: function (btn) {
      var ids = (btn.dataset.users || '').split(' ').filter(Boolean);
      var mine = ids.indexOf(parley.me) >= 0;
      btn.classList.toggle('mine', mine);
      btn.setAttribute('aria-pressed', mine ? 'true' : 'false');
      btn.disabled = !parley.member();
      var who = ids.map(parley.nameOf).join(', ');
      btn.title = who;
      btn.setAttribute('aria-label', btn.dataset.emoji + ' ' + ids.length + (who ? ': ' + who : ''));
      var count = btn.querySelector('.count');
      if (count) count.textContent = String(ids.length);
    },

    // Everything per viewer about freshly inserted messages.
    touch: function (root) {
      root = root || document;
      parley.learnNames(root);
      root.querySelectorAll('article.msg').forEach(function (a) {
        a.classList.toggle('own', a.dataset.author === parley.me);
        var t = a.querySelector('time[datetime]');
        if (t && !t.dataset.local) {
          var d = new Date(t.getAttribute('datetime'));
          if (!isNaN(d)) {
            t.textContent = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
            t.title = d.toLocaleString();
            t.dataset.local = '1';
          }
        }
      });
      root.querySelectorAll('button.reaction').forEach(parley.paintReaction);
    },

    // Same-author messages within 5 minutes, with nothing in between, share a header
    // (messages not loaded yet, behind #newer-sentinel, are in between).
    regroup: function () {
      var list = parley.messages();
      if (!list) return;
      var prev = null;
      for (var el = list.firstElementChild; el; el = el.nextElementSibling) {
        if (el.matches('article.msg')) {
          var grouped = !!prev && prev.dataset.author === el.dataset.author &&
            Number(el.dataset.time) - Number(prev.dataset.time) < GROUP_MS;
          el.classList.toggle('grouped', grouped);
          prev = el;
        } else if (el.matches('p.system, #unread-divider, #newer-sentinel')) {
          prev = null;
        }
      }
    },

    nearBottom: function () {
      var list = parley.messages();
      return !list || list.scrollHeight - list.scrollTop - list.clientHeight < 120;
    },
    toBottom: function () {
      var list = parley.messages();
      if (list) list.scrollTop = list.scrollHeight;
    },
    // Where a room opens: the first unread message with a little of what was read
    // above it (#unread-divider, when the page rendered one), else the newest.
    toStart: function () {
      var list = parley.messages();
      var divider = document.getElementById('unread-divider');
      if (!list || !divider) { parley.toBottom(); return; }
      var context = Math.round(list.clientHeight / 4);
      list.scrollTop += divider.getBoundingClientRect().top - list.getBoundingClientRect().top - context;
    },

    // In a direct room: "Seen" under the newest own message the peer has read.
    updateSeen: function () {
      var r = room();
      if (!r || !r.dataset.peer) return;
      var read = Number(r.dataset.peerRead || 0);
      var target = null;
      document.querySelectorAll('#messages article.msg.own').forEach(function (a) {
        if (Number(a.dataset.seq) <= read) target = a;
      });
      var seen = document.querySelector('#messages .seen');
      if (!target) { if (seen) seen.remove(); return; }
      if (!seen) {
        seen = document.createElement('div');
        seen.className = 'seen';
        seen.textContent = 'Seen';
      }
      if (seen.parentNode !== target) target.appendChild(seen);
    },
  };
  window.parley = parley;

  document.addEventListener('DOMContentLoaded', function () {
    parley.touch(document);
    parley.regroup();
    parley.updateSeen();
  });
})();
