// The frame around the room: the new-room dialog, the sidebar on small screens
// (behind #menu-toggle), and invite links for private rooms.
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
  function setDrawer(open) {
    body.classList.toggle('sidebar-open', open);
    if (toggle) {
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
      toggle.setAttribute('aria-label', open ? 'Hide rooms' : 'Show rooms');
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
