// The room's live stream (GET /rooms/{id}/events via htmx's SSE extension).
// Messages and member events are appended by htmx (sse-swap on #messages); edits,
// deletes, reactions and the transient notices (typing, read, presence) land on
// #stream-inbox, where this script applies them itself. Stored events are applied once each, in
// seq order: the stream starts after the seq the page rendered, the browser resumes
// with Last-Event-ID, and if the extension ever opens a new EventSource it resumes
// from `since`, which is kept at the last seq applied.
(function () {
  'use strict';
  var P = window.parley;
  var STORED = { message: 1, member: 1, edit: 1, delete: 1, reaction: 1, preview: 1 };
  var room = P.room();
  if (!room || !room.dataset.room) return;
  var lastSeq = Number(room.dataset.lastSeq || 0);
  var typers = new Map();  // user id -> { name, timer }
  var stick = true;        // the list was at the bottom before the swap
  // Edits, deletes and reactions to messages not on the page, oldest first: a page of
  // older or newer messages (scrollback.js) may be on its way, rendered before they
  // happened. Each is applied again once its message arrives ('parley:page'); they
  // set a state (a body, gone, a user's reaction on or off), so applying again what a
  // page already shows, then the rest in order, ends where the room is. Bounded: a
  // room edited far above what is loaded does not grow it without end.
  var unplaced = [];
  var UNPLACED_MAX = 500;

  function present(el) {
    return document.getElementById('m-' + el.dataset.target) !== null;
  }

  function keepUnplaced(type, el) {
    unplaced.push({ type: type, el: el });
    if (unplaced.length > UNPLACED_MAX) unplaced.shift();
  }

  function fragment(html) {
    var t = document.createElement('template');
    t.innerHTML = html;
    return t.content.firstElementChild;
  }

  function applyEdit(el) {
    var msg = document.getElementById('m-' + el.dataset.target);
    if (!msg) return;
    msg.querySelector('.body').innerHTML = el.innerHTML;  // cmark-gfm output, raw HTML off
    msg.dataset.text = el.dataset.text || '';
    if (!msg.querySelector('.edited')) {
      var mark = document.createElement('span');
      mark.className = 'edited';
      mark.textContent = '(edited)';
      var header = msg.querySelector('header');
      header.appendChild(document.createTextNode(' '));
      header.appendChild(mark);
    }
  }

  function applyDelete(el) {
    var msg = document.getElementById('m-' + el.dataset.target);
    if (!msg) return;
    var focused = msg.contains(document.activeElement);
    msg.remove();
    P.regroup();
    P.updateSeen();
    if (focused) document.getElementById('composer-text')?.focus();
  }

  function applyReaction(el) {
    var msg = document.getElementById('m-' + el.dataset.target);
    if (!msg) return;
    var box = msg.querySelector('.reactions');
    var emoji = el.dataset.emoji;
    var btn = null;
    box.querySelectorAll('button.reaction').forEach(function (b) {
      if (b.dataset.emoji === emoji) btn = b;
    });
    var on = el.dataset.on === 'true';
    if (!btn) {
      if (!on) return;
      btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'reaction';
      btn.dataset.emoji = emoji;
      btn.dataset.users = '';
      var e = document.createElement('span');
      e.className = 'emoji';
      e.textContent = emoji;
      var c = document.createElement('span');
      c.className = 'count';
      btn.append(e, ' ', c);
      box.appendChild(btn);
    }
    var ids = (btn.dataset.users || '').split(' ').filter(Boolean);
    var at = ids.indexOf(el.dataset.user);
    if (on && at < 0) ids.push(el.dataset.user);
    if (!on && at >= 0) ids.splice(at, 1);
    if (!ids.length) { btn.remove(); return; }
    btn.dataset.users = ids.join(' ');
    P.paintReaction(btn);
  }

  var ANNOTATIONS = { edit: applyEdit, delete: applyDelete, reaction: applyReaction };

  // A page of messages came in: what happened to them while it was on its way.
  document.addEventListener('parley:page', function () {
    var still = [];
    unplaced.forEach(function (u) {
      if (present(u.el)) ANNOTATIONS[u.type](u.el);
      else still.push(u);
    });
    unplaced = still;
  });

  function renderTyping() {
    var box = document.getElementById('typing');
    if (!box) return;
    var who = Array.from(typers.values()).map(function (t) { return t.name; });
    box.textContent = who.length === 0 ? '' :
      who.length === 1 ? who[0] + ' is typing…' :
      who.length === 2 ? who[0] + ' and ' + who[1] + ' are typing…' :
      'Several people are typing…';
  }

  function applyTyping(data) {
    if (data.user_id === P.me) return;
    var t = typers.get(data.user_id);
    if (t) clearTimeout(t.timer);
    if (data.on) {
      typers.set(data.user_id, {
        name: data.name || P.nameOf(data.user_id),
        // A notice that is never turned off (a closed tab) expires by itself.
        timer: setTimeout(function () { typers.delete(data.user_id); renderTyping(); }, 6000),
      });
    } else {
      typers.delete(data.user_id);
    }
    renderTyping();
  }

  function applyRead(data) {
    if (data.user_id === room.dataset.peer) {
      room.dataset.peerRead = String(Math.max(Number(room.dataset.peerRead || 0), data.seq));
      P.updateSeen();
    }
    if (data.user_id === P.me) {
      room.dataset.readSeq = String(Math.max(Number(room.dataset.readSeq || 0), data.seq));
      document.dispatchEvent(new CustomEvent('parley:unread'));
    }
  }

  // Someone's first connection opened or last one closed: their dot in the members
  // panel. The viewer is online for as long as this page is open, whatever a
  // reconnect of their own streams says.
  function applyPresence(data) {
    if (data.user_id === P.me) return;
    var li = document.querySelector('#members li[data-user="' + CSS.escape(data.user_id) + '"]');
    var dot = li && li.querySelector('.dot');
    if (!dot) return;
    dot.classList.toggle('online', !!data.online);
    dot.setAttribute('aria-label', data.online ? 'online' : 'offline');
  }

  // Presence notices sent while the stream was down (or before it first opened) are
  // gone: take the members panel as it is now whenever the stream (re)opens.
  document.body.addEventListener('htmx:sseOpen', function () {
    var members = document.getElementById('members');
    if (members && window.htmx) htmx.trigger(members, 'parley-members');
  });

  // The last member left and the room is gone: say so where the next message would
  // go, take away what can no longer work, and stop the stream rather than let it
  // retry against a 404.
  function roomDeleted() {
    if (room.dataset.deleted) return;
    room.dataset.deleted = 'true';
    room.dataset.member = 'false';
    var note = document.createElement('p');
    note.id = 'room-deleted';
    note.className = 'system';
    note.setAttribute('role', 'status');
    note.textContent = 'This room was deleted: its last member left.';
    var stick = P.nearBottom();
    P.messages().appendChild(note);
    if (stick) note.scrollIntoView({ block: 'end' });
    ['composer', 'typing'].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.hidden = true;
    });
    document.querySelectorAll('#topbar form, #invite').forEach(function (el) { el.hidden = true; });
    P.dropRoomLink(room.dataset.room);
    P.closeRoomStream();
  }

  // The room stream too must not outlive the page into the back/forward cache (see
  // unread.js): close the EventSource htmx opened for it. A page that
  // comes back from the cache has missed its streams: load it afresh.
  window.addEventListener('pagehide', P.closeRoomStream);
  window.addEventListener('pageshow', function (e) {
    if (e.persisted) location.reload();
  });

  function setSince() {
    var live = document.getElementById('live');
    live.setAttribute('sse-connect', '/rooms/' + room.dataset.room + '/events?since=' + lastSeq);
  }

  document.body.addEventListener('htmx:sseBeforeMessage', function (e) {
    var ev = e.detail;
    if (STORED[ev.type]) {
      // A transient event repeats the last id (EventSource keeps it), so only stored
      // kinds are numbered; a repeat of one already applied is dropped.
      var seq = Number(ev.lastEventId);
      if (seq && seq <= lastSeq) { e.preventDefault(); return; }
      if (seq) {
        lastSeq = seq;
        room.dataset.lastSeq = String(seq);
        setSince();
      }
    }
    if (e.target.id === 'messages') {
      // While unread messages are still to load above the live ones (#newer-sentinel),
      // the reader is in the backlog: a new message must not pull them down.
      stick = P.nearBottom() && !document.getElementById('newer-sentinel');
      return;  // htmx appends it
    }
    e.preventDefault();  // #stream-inbox: applied here, never swapped in
    if (ANNOTATIONS[ev.type]) {
      var el = fragment(ev.data);
      if (present(el)) ANNOTATIONS[ev.type](el);
      else keepUnplaced(ev.type, el);
    } else if (ev.type === 'typing') applyTyping(JSON.parse(ev.data));
    else if (ev.type === 'read') applyRead(JSON.parse(ev.data));
    else if (ev.type === 'presence') applyPresence(JSON.parse(ev.data));
    else if (ev.type === 'reset') location.reload();  // older than retention keeps
    else if (ev.type === 'room_deleted') roomDeleted();
    document.dispatchEvent(new CustomEvent('parley:event', { detail: { type: ev.type } }));
  });

  document.body.addEventListener('htmx:sseMessage', function (e) {
    if (e.target.id !== 'messages') return;
    var list = P.messages();
    var last = list.lastElementChild;
    if (!last) return;
    P.touch(list);
    P.regroup();
    var own = last.matches('article.msg.own');
    if (own) {
      // Your own message is read as you send it (the server moved the marker too).
      room.dataset.readSeq = last.dataset.seq;
      typers.delete(P.me);
    }
    if (last.matches('article.msg') && typers.delete(last.dataset.author)) renderTyping();
    if (last.matches('p.system') && last.dataset.user === P.me && last.dataset.action === 'joined') {
      // Sending to a public room joins it: from now on this viewer reads it as a member.
      room.dataset.member = 'true';
      room.dataset.readSeq = last.dataset.seq;
      document.getElementById('join')?.closest('form')?.remove();
      document.querySelectorAll('#messages button.reaction').forEach(P.paintReaction);
    }
    if (last.matches('p.system') && last.dataset.user === P.me &&
        (last.dataset.action === 'left' || last.dataset.action === 'removed')) {
      // Left from another tab (or removed): this page now only reads the room.
      room.dataset.member = 'false';
      document.querySelectorAll('#messages button.reaction').forEach(P.paintReaction);
    }
    if (last.matches('p.system')) {
      var members = document.getElementById('members');
      if (members && window.htmx) htmx.trigger(members, 'parley-members');
    }
    P.updateSeen();
    if (stick || own) P.toBottom();
    document.dispatchEvent(new CustomEvent('parley:event', { detail: { type: e.detail.type } }));
  });
})();
