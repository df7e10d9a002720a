// Asking before what cannot be undone: leaving a room (which deletes it when the
// viewer is its last member) and deleting a message. One modal dialog#confirm-dialog
// (role=alertdialog), made on first use. The button that has focus when it opens is
// the one Enter presses; Escape, Cancel or a click on the backdrop say no; focus
// goes back to where it was.
//
//   P.confirm({title, text, ok, focusCancel}) -> Promise<boolean>
(function () {
  'use strict';
  var P = window.parley;
  var dialog = null;
  var settle = null;  // resolves the open question

  function build() {
    dialog = document.createElement('dialog');
    dialog.id = 'confirm-dialog';
    dialog.setAttribute('role', 'alertdialog');
    dialog.setAttribute('aria-labelledby', 'confirm-title');
    dialog.setAttribute('aria-describedby', 'confirm-text');
    var form = document.createElement('form');
    form.method = 'dialog';
    var h = document.createElement('h2');
    h.id = 'confirm-title';
    var p = document.createElement('p');
    p.id = 'confirm-text';
    var buttons = document.createElement('div');
    buttons.className = 'buttons';
    var cancel = document.createElement('button');
    cancel.value = 'cancel';
    cancel.className = 'cancel';
    cancel.textContent = 'Cancel';
    var ok = document.createElement('button');
    ok.value = 'ok';
    ok.className = 'danger';
    ok.id = 'confirm-ok';
    buttons.append(cancel, ok);
    form.append(h, p, buttons);
    dialog.appendChild(form);
    document.body.appendChild(dialog);
    dialog.addEventListener('close', function () {
      var s = settle;
      settle = null;
      if (s) s(dialog.returnValue === 'ok');
    });
    // A click on the backdrop lands on the dialog itself, outside its form.
    dialog.addEventListener('click', function (e) {
      if (e.target === dialog) dialog.close('cancel');
    });
  }

  P.confirm = function (o) {
    if (!dialog) build();
    if (dialog.open) dialog.close('cancel');  // one question at a time
    var back = document.activeElement;
    dialog.returnValue = '';
    dialog.querySelector('#confirm-title').textContent = o.title;
    dialog.querySelector('#confirm-text').textContent = o.text || '';
    dialog.querySelector('#confirm-ok').textContent = o.ok || 'OK';
    return new Promise(function (resolve) {
      settle = function (yes) {
        if (!yes && back && back.isConnected) back.focus();
        resolve(yes);
      };
      dialog.showModal();
      dialog.querySelector(o.focusCancel ? 'button.cancel' : '#confirm-ok').focus();
    });
  };
})();
