// The members panel on small screens (≤ 480 px), where it does not fit beside the
// messages: button#members-toggle slides it in over the room as a drawer
// (body.members-open), like the sidebar behind #menu-toggle. Opening moves focus
// into the panel; Escape, a click outside or the button again close it and give
// focus back to the button. Only one drawer is open at a time.
(function () {
  'use strict';
  var body = document.body;
  var toggle = document.getElementById('members-toggle');
  var panel = document.getElementById('members');
  if (!toggle || !panel) return;

  function isOpen() { return body.classList.contains('members-open'); }

  function setOpen(open, focusBack) {
    body.classList.toggle('members-open', open);
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    toggle.setAttribute('aria-label', open ? 'Hide members' : 'Show members');
    if (open) {
      body.classList.remove('sidebar-open');
      document.getElementById('menu-toggle')?.setAttribute('aria-expanded', 'false');
      // The panel itself takes focus: its list is read from the top, and its links
      // follow in tab order.
      panel.tabIndex = -1;
      panel.focus();
    } else if (focusBack) {
      toggle.focus();
    }
  }

  toggle.addEventListener('click', function () { setOpen(!isOpen(), true); });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && isOpen()) setOpen(false, true);
  });
  document.addEventListener('click', function (e) {
    if (isOpen() && !e.target.closest('#members, #members-toggle')) setOpen(false, false);
  });
  // Back on a wide screen the panel is in the layout again: no drawer state left over.
  window.matchMedia('(max-width: 480px)').addEventListener('change', function (m) {
    if (!m.matches && isOpen()) setOpen(false, false);
  });
})();
