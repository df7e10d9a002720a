// Unread counts. The open room: while the tab is hidden, new events raise the tab
// title to `[n] Room — parley` and badge the favicon; viewing the room marks it read
// and clears both. Other rooms: badges in the sidebar, kept by the page's own stream
// GET /events (a snapshot of every member room's last and read seq, then a tick per
// stored event and a note when the user's read marker moves, from any tab).
// Unread counts what the API counts: messages from others after the read marker,
// never joins, edits, reactions, deletes or one's own messages.
(function () {
  'use strict';
  var P = window.parley;
  var room = P.room();
  var current = P.roomId();
  var title = room && room.dataset.roomName ? room.dataset.roomName : document.title.replace(/ — parley$/, '');
  var icon = document.querySelector('link[rel=icon]');
  var plainIcon = icon ? icon.href : '';
  var badgedFor = 0;
  // room id -> { read, base, baseLast, seqs }: `base` unread messages up to seq
  // `baseLast` as the snapshot counted them, plus the seqs of those that came since.
  var state = new Map();
  var marking = null;

  function member() { return room && room.dataset.member === 'true'; }
  function lastSeq() { return Number(room ? room.dataset.lastSeq || 0 : 0); }
  function readSeq() { return Number(room ? room.dataset.readSeq || 0 : 0); }

  function badgedIcon(n) {
    var c = document.createElement('canvas');
    c.width = c.height = 64;
    var g = c.getContext('2d');
    g.fillStyle = '#4f46e5';
    g.beginPath();
    g.roundRect(0, 0, 64, 64, 14);
    g.fill();
    g.fillStyle = '#ffffff';
    g.beginPath();
    g.roundRect(14, 14, 34, 26, 6);
    g.fill();
    g.beginPath();
    g.arc(46, 18, 18, 0, 2 * Math.PI);
    g.fillStyle = '#dc2626';
    g.fill();
    g.fillStyle = '#ffffff';
    g.font = 'bold 22px sans-serif';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(n > 9 ? '9+' : String(n), 46, 19);
    return c.toDataURL('image/png');
  }

  // The open room's unread messages are on the page: others' messages past the marker
  // (a deleted one is gone from the page, and so from the count). While some are still
  // to load (#newer-sentinel), the page stream's count of the room covers them too.
  function unreadHere() {
    var read = readSeq();
    var n = 0;
    document.querySelectorAll('#messages article.msg').forEach(function (a) {
      if (Number(a.dataset.seq) > read && a.dataset.author !== P.me) n++;
    });
    var s = state.get(current);
    return s && document.getElementById('newer-sentinel') ? Math.max(n, unreadIn(s)) : n;
  }

  function paintTitle() {
    var n = document.hidden && member() ? unreadHere() : 0;
    document.title = (n > 0 ? '[' + n + '] ' : '') + title + ' — parley';
    if (!icon || n === badgedFor) return;
    badgedFor = n;
    icon.href = n > 0 ? badgedIcon(n) : plainIcon;
    icon.type = n > 0 ? 'image/png' : 'image/svg+xml';
  }

  // How far the reader has seen: the last seq on the page once the end of the list is
  // in view, else the seq of the last item wholly in view (a room that opens at its
  // first unread message is read as it is scrolled, not at once). Never past a gap
  // still to load (#newer-sentinel): the marker is one seq, and what is in the gap is
  // not seen even when the live messages after it are.
  function seenSeq() {
    var list = P.messages();
    if (!list) return lastSeq();
    var gap = document.getElementById('newer-sentinel');
    var cap = gap ? Number(gap.dataset.after) : Infinity;
    var items = list.querySelectorAll('[data-seq]');
    var bottom = Math.min(list.getBoundingClientRect().bottom, window.innerHeight) + 1;
    var end = list.lastElementChild;
    if (!end || end.getBoundingClientRect().bottom <= bottom) return Math.min(lastSeq(), cap);
    for (var i = items.length - 1; i >= 0; i--) {
      if (items[i].getBoundingClientRect().bottom <= bottom) return Math.min(Number(items[i].dataset.seq), cap);
    }
    return 0;
  }

  // Viewing the room reads it: the marker moves to the last seq seen.
  function markRead() {
    if (!member() || document.hidden || marking) return;
    var seq = seenSeq();
    if (seq <= readSeq()) { paintTitle(); return; }
    room.dataset.readSeq = String(seq);
    paintTitle();
    marking = setTimeout(function () {
      marking = null;
      P.post('/rooms/' + current + '/read', { seq: String(seq) }).catch(function () {});
      if (seenSeq() > seq) markRead();
    }, 300);
  }

  function unreadIn(s) {
    return (s.read >= s.baseLast ? 0 : s.base) + s.seqs.size;
  }
  // The marker moved to `seq`: what is at or before it is read. A marker that stops
  // short of the snapshot's end keeps the snapshot's count (it cannot be split by
  // seq); it errs high until the reader has scrolled to the end.
  function markTo(s, seq) {
    s.read = Math.max(s.read, seq);
    s.seqs.forEach(function (q) { if (q <= s.read) s.seqs.delete(q); });
  }

  function paintBadge(id) {
    var s = state.get(id);
    document.querySelectorAll('#sidebar a.room-link[data-room="' + CSS.escape(id) + '"] .badge')
      .forEach(function (b) {
        var n = s && id !== current ? unreadIn(s) : 0;
        b.textContent = n > 0 ? String(n) : '';
        b.closest('a').setAttribute('aria-label',
          b.closest('a').querySelector('.name').textContent + (n > 0 ? ', ' + n + ' unread' : ''));
      });
    paintMenu();
  }

  // On small screens the sidebar hides behind #menu-toggle: the toggle carries the
  // total of the other rooms' unread counts (badge and label).
  function paintMenu() {
    var toggle = document.getElementById('menu-toggle');
    if (!toggle) return;
    var n = 0;
    state.forEach(function (s, id) { if (id !== current) n += unreadIn(s); });
    var badge = toggle.querySelector('.badge');
    if (badge) badge.textContent = n > 0 ? String(n) : '';
    toggle.dataset.unread = String(n);
    P.labelMenu?.();
  }

  // A room that turned up while the page was open (a first direct message, a room
  // joined in another tab, a public room someone created).
  function addRoom(id) {
    if (document.querySelector('#sidebar a.room-link[data-room="' + CSS.escape(id) + '"]')) return;
    fetch('/api/rooms/' + encodeURIComponent(id), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (env) {
        if (!env || !env.data) return;
        var r = env.data;
        var me = document.body.dataset.userName || '';
        var name = r.name;
        if (r.kind === 'direct') {
          if (name.indexOf(me + ' & ') === 0) name = name.slice(me.length + 3);
          else if (name.slice(-(me.length + 3)) === ' & ' + me) name = name.slice(0, -(me.length + 3));
        }
        var list = document.getElementById(r.kind === 'direct' ? 'dm-list' : 'room-list');
        if (!list) return;
        list.querySelector('li.empty')?.remove();
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.className = 'room-link' + (r.kind === 'direct' ? ' dm' : '');
        a.href = '/rooms/' + r.id;
        a.dataset.room = r.id;
        var sigil = document.createElement('span');
        sigil.className = 'sigil';
        sigil.setAttribute('aria-hidden', 'true');
        sigil.textContent = r.kind === 'direct' ? '@' : r.visibility === 'private' ? '\u{1F512}' : '#';
        var n = document.createElement('span');
        n.className = 'name';
        n.textContent = name;
        var badge = document.createElement('span');
        badge.className = 'badge';
        a.append(sigil, n, badge);
        li.appendChild(a);
        list.prepend(li);
        paintBadge(r.id);
      });
  }

  function connect() {
    // A page may ask for more on its stream ([data-feed]: the random page's holds its
    // place in the queue) and act on the stream's other events, which are passed on as
    // DOM events: parley:feed-open (each (re)connect), parley:feed-matched and
    // parley:feed-chat_ended (detail: the event's data).
    var feed = document.querySelector('[data-feed]');
    // Resuming (resume.js): back at once on wake, with a fresh `rooms` snapshot.
    var es = new P.ResumingSource(feed ? feed.dataset.feed : '/events');
    es.addEventListener('open', function () {
      P.feedOpen = true;
      document.dispatchEvent(new CustomEvent('parley:feed-open'));
    });
    ['matched', 'chat_ended'].forEach(function (name) {
      es.addEventListener(name, function (e) {
        document.dispatchEvent(new CustomEvent('parley:feed-' + name, { detail: JSON.parse(e.data) }));
      });
    });
    // A page kept in the back/forward cache would hold this stream open, and a
    // browser allows six connections per host: after a few rooms, nothing loads.
    window.addEventListener('pagehide', function () {
      es.close();
    });
    es.addEventListener('rooms', function (e) {
      JSON.parse(e.data).forEach(function (r) {
        state.set(r.room, { read: r.read_seq, base: r.unread || 0, baseLast: r.last_seq, seqs: new Set() });
        paintBadge(r.room);
      });
    });
    es.addEventListener('tick', function (e) {
      var t = JSON.parse(e.data);
      var s = state.get(t.room) || { read: t.seq - 1, base: 0, baseLast: 0, seqs: new Set() };
      if (t.own) markTo(s, t.seq);
      // A tick may repeat one the snapshot counted (see user_feed.hpp): those are
      // at or before baseLast.
      if (t.message && t.seq > s.read && t.seq > s.baseLast) s.seqs.add(t.seq);
      if (t.deleted) s.seqs.delete(t.deleted);
      state.set(t.room, s);
      paintBadge(t.room);
    });
    es.addEventListener('read', function (e) {
      var t = JSON.parse(e.data);
      var s = state.get(t.room);
      if (s) { markTo(s, t.seq); paintBadge(t.room); }
      if (t.room === current && room) {
        room.dataset.readSeq = String(Math.max(readSeq(), t.seq));
        paintTitle();
      }
    });
    es.addEventListener('room', function (e) { addRoom(JSON.parse(e.data).room); });
    // The public rooms listed beside one's own: created or deleted by anyone.
    es.addEventListener('public_room', function (e) { addRoom(JSON.parse(e.data).room); });
    es.addEventListener('room_deleted', function (e) {
      var id = JSON.parse(e.data).room;
      if (id === current) return;  // the room's own page says so (live.js)
      P.dropRoomLink(id);
      state.delete(id);
      paintMenu();
    });
  }

  document.addEventListener('parley:event', function () { markRead(); paintTitle(); });
  document.addEventListener('parley:unread', paintTitle);
  document.addEventListener('parley:page', markRead);  // a newer page may complete the list
  document.addEventListener('visibilitychange', function () { markRead(); paintTitle(); });
  window.addEventListener('focus', markRead);
  P.messages()?.addEventListener('scroll', markRead, { passive: true });
  document.addEventListener('DOMContentLoaded', function () {
    markRead();
    paintTitle();
    connect();
  });
})();
