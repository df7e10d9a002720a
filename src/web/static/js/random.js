// The random-chat page (/random, src/web/random_page.cpp).
// Lobby: "Find someone" asks the server for a match and shows "Looking for
// someone…" with Cancel. The match arrives on the page's stream (unread.js passes it
// on as parley:feed-matched) and the page loads /random again, which now renders the
// chat like any room (live.js and composer.js do the rest).
// Chat: when it ends (the stream's chat_ended, or the other side's "left" line on
// the room's stream, whichever comes first) the page says so, stops the room's
// stream and offers "Find someone new".
// Waiting survives a reload: sessionStorage remembers it, and the new page asks
// again once its stream, which holds the user's place in the queue, is open
// (asking is idempotent, and answers `matched` to a user who already has a chat).
(function () {
  'use strict';
  var P = window.parley;
  var KEY = 'parley:random:waiting';
  var lobby = document.getElementById('random');
  var room = P.room();
  var inChat = !!room && room.dataset.kind === 'random';
  if (!lobby && !inChat) return;

  function remember(on) {
    try {
      if (on) sessionStorage.setItem(KEY, '1'); else sessionStorage.removeItem(KEY);
    } catch (e) { /* no storage: a reload forgets the wait */ }
  }
  function remembered() {
    try { return sessionStorage.getItem(KEY) === '1'; } catch (e) { return false; }
  }
  // /random renders whatever the user has now: the new chat.
  function reload() { location.replace('/random'); }

  if (lobby) {
    var idle = document.getElementById('random-idle');
    var waiting = document.getElementById('random-waiting');
    var error = document.getElementById('random-error');
    var state = 'idle';
    // The "you left" note is for the redirect that brought us here, not for a reload.
    if (location.search) history.replaceState(null, '', '/random');

    var show = function (s) {
      state = s;
      lobby.dataset.state = s;
      idle.hidden = s !== 'idle';
      waiting.hidden = s !== 'waiting';
    };
    var showError = function (text) {
      error.textContent = text;
      error.hidden = !text;
    };
    // Only once the stream is open, so that the match cannot be told before the page
    // listens; a page that is not open yet asks on parley:feed-open.
    var ask = function () {
      if (!P.feedOpen) return;
      P.post('/random/find')
        .then(function (r) {
          return r.text().then(function (t) {
            if (!r.ok) throw new Error(t || 'status ' + r.status);
            return t;
          });
        })
        .then(function (answer) {
          if (answer === 'matched') { remember(false); reload(); return; }
          // Canceled while the ask was on its way: take the place back out.
          if (state !== 'waiting') P.post('/random/cancel').catch(function () {});
        })
        .catch(function (e) {
          remember(false);
          show('idle');
          showError('Could not look for someone: ' + e.message);
        });
    };

    document.getElementById('find-form').addEventListener('submit', function (e) {
      e.preventDefault();
      showError('');
      lobby.querySelector('.random-note')?.remove();
      remember(true);
      show('waiting');
      document.getElementById('cancel').focus();
      ask();
    });
    document.getElementById('cancel-form').addEventListener('submit', function (e) {
      e.preventDefault();
      remember(false);
      show('idle');
      P.post('/random/cancel').catch(function () {});
      document.getElementById('find').focus();
    });
    // Each (re)connect: a reconnected stream may have let the place go.
    document.addEventListener('parley:feed-open', function () {
      if (state === 'waiting') ask();
    });
    document.addEventListener('parley:feed-matched', function () {
      remember(false);
      reload();
    });
    if (remembered()) {
      show('waiting');
      ask();
    }
    return;
  }

  // In a chat.
  remember(false);
  var ended = document.getElementById('chat-ended');
  var over = false;

  function end(by) {
    if (over) return;
    over = true;
    // No longer a member: nothing more is marked read (the room is being deleted).
    room.dataset.member = 'false';
    room.dataset.ended = 'true';
    var name = ended.dataset.peerName || 'The other person';
    ended.querySelector('.random-ended-text').textContent = by === P.me
      ? 'You left the chat.'
      : name + ' left. The chat has ended.';
    ended.hidden = false;
    document.getElementById('composer').hidden = true;
    var leave = document.getElementById('leave-form');
    if (leave) leave.hidden = true;
    document.getElementById('typing').textContent = '';
    P.closeRoomStream();  // the room is gone: stop its stream rather than let it retry
    document.getElementById('find-again').focus();
  }

  document.addEventListener('parley:feed-chat_ended', function (e) {
    if (e.detail && e.detail.room === room.dataset.room) end(e.detail.by);
  });
  // Capturing on document runs before live.js's handler on body (which marks the
  // room read): a room being deleted must not be marked read.
  document.addEventListener('htmx:sseMessage', function () {
    var last = P.messages()?.lastElementChild;
    if (last && last.matches('p.system[data-action=left]') && last.dataset.user === room.dataset.peer) {
      end(last.dataset.user);
    }
  }, true);
  document.addEventListener('parley:feed-matched', function (e) {
    if (e.detail && e.detail.room !== room.dataset.room) reload();
  });
  // A chat that ended just before this render (the "left" line is already in it).
  // After htmx (loaded first) has opened the room's stream, so end() can close it.
  document.addEventListener('DOMContentLoaded', function () {
    var peer = room.dataset.peer;
    var sel = '#messages p.system[data-action=left][data-user="' + CSS.escape(peer || '') + '"]';
    if (peer && document.querySelector(sel)) end(peer);
  });
  // Leaving ends the chat for both and deletes it, so it asks first (Cancel has the
  // focus: a stray Enter keeps the chat). Then a plain form post: the server ends
  // the chat and sends us to the lobby; until the page goes, nothing more is marked
  // read in the closing room.
  var leaveForm = document.getElementById('leave-form');
  leaveForm?.addEventListener('submit', function (e) {
    e.preventDefault();
    P.confirm({
      title: 'End this chat?',
      text: 'It ends for both of you, and its messages are deleted. This cannot be undone.',
      ok: 'End chat',
      focusCancel: true,
    }).then(function (yes) {
      if (!yes) return;
      room.dataset.member = 'false';
      leaveForm.submit();  // no submit event: this handler does not run again
    });
  });
  document.getElementById('find-again-form').addEventListener('submit', function (e) {
    e.preventDefault();
    remember(true);
    reload();
  });
})();
