// The frame around the room: the new-room dialog, the sidebar on small screens
// (behind #menu-toggle), leaving a room (after asking), and invite links for
// private rooms.
(function () {
  'use strict';
  var P = window.parley;
  var body = document.body;

  // New room.
  var dialog = document.getElementById('new-room-dialog');
  document.addEventListener('click', function (e) {
    if (e.target.closest('#new-room, .open-new-room') && dialog) {
      body.classList.remove('sidebar-open');
      dialog.showModal();
      dialog.querySelector('input[name=name]').focus();
    } else if (dialog && e.target.closest('#new-room-dialog .cancel')) {
      dialog.close();
    }
  });

  // The sidebar as a drawer on small screens.
  var toggle = document.getElementById('menu-toggle');
  // The toggle's label says what it does and how many unread messages wait behind it
  // (data-unread, kept by unread.js).
  P.labelMenu = function () {
    if (!toggle) return;
    var open = body.classList.contains('sidebar-open');
    var n = Number(toggle.dataset.unread || 0);
    toggle.setAttribute('aria-label', (open ? 'Hide rooms' : 'Show rooms') + (n > 0 ? ', ' + n + ' unread' : ''));
  };
  function setDrawer(open) {
    body.classList.toggle('sidebar-open', open);
    if (toggle) {
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
      P.labelMenu();
    }
    if (open) {
      // One drawer at a time: the members panel (members.js) closes.
      body.classList.remove('members-open');
      document.getElementById('members-toggle')?.setAttribute('aria-expanded', 'false');
      document.querySelector('#sidebar a, #sidebar button')?.focus();
    }
  }
  if (toggle) {
    toggle.addEventListener('click', function () {
      setDrawer(!body.classList.contains('sidebar-open'));
    });
  }
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && body.classList.contains('sidebar-open')) {
      setDrawer(false);
      toggle?.focus();
    }
  });
  document.addEventListener('click', function (e) {
    if (body.classList.contains('sidebar-open') && !e.target.closest('#sidebar, #menu-toggle')) {
      setDrawer(false);
    }
  });

  // Leaving asks first, and says so plainly when the viewer is the last member: then
  // the server deletes the room and its history. The count is taken fresh (the
  // members fragment), the panel's as a fallback.
  document.addEventListener('submit', function (e) {
    var form = e.target.closest('form.leave-room');
    if (!form || form.dataset.confirmed) return;
    e.preventDefault();
    var name = P.room()?.dataset.roomName || 'this room';
    function countIn(root) { return root ? root.querySelectorAll('li[data-user]').length : 0; }
    fetch('/rooms/' + P.roomId() + '/members', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var t = document.createElement('template');
        t.innerHTML = html;
        return countIn(t.content);
      })
      .catch(function () { return countIn(document.getElementById('members')); })
      .then(function (n) {
        var last = n <= 1;
        return P.confirm(last ? {
          title: 'Leave and delete ' + name + '?',
          text: 'You are the last member: leaving deletes this room and all its messages ' +
            'for good. This cannot be undone.',
          ok: 'Leave and delete',
          focusCancel: true,
        } : {
          title: 'Leave ' + name + '?',
          text: form.dataset.visibility === 'private'
            ? 'It is private: you will need a new invite to come back.'
            : 'You can join it again at any time.',
          ok: 'Leave',
        });
      })
      .then(function (yes) {
        if (!yes) return;
        form.dataset.confirmed = '1';
        form.submit();
      });
  });

  // Invite links: each click makes a new single-use link.
  var invite = document.getElementById('invite');
  var panel = document.getElementById('invite-panel');
  if (invite && panel) {
    var field = document.getElementById('invite-link');
    invite.addEventListener('click', function () {
      invite.disabled = true;
      P.post('/rooms/' + P.roomId() + '/invites')
        .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, text: t }; }); })
        .then(function (r) {
          field.value = r.ok ? r.text : '';
          field.placeholder = r.ok ? '' : r.text;
          panel.hidden = false;
          field.focus();
          field.select();
        })
        .finally(function () { invite.disabled = false; });
    });
    document.getElementById('invite-copy').addEventListener('click', function (e) {
      field.select();
      var btn = e.currentTarget;
      var done = function () { btn.textContent = 'Copied'; setTimeout(function () { btn.textContent = 'Copy'; }, 1500); };
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).then(done, function () {});
      else { document.execCommand('copy'); done(); }
    });
    document.getElementById('invite-close').addEventListener('click', function () {
      panel.hidden = true;
      invite.focus();
    });
  }
})();
