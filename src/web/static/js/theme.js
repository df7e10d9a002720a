// Theme: follows the OS (prefers-color-scheme) until the user picks one with
// #theme-toggle; the pick is kept in localStorage. Runs in <head>, before the first
// paint, so a page never flashes the wrong theme.
(function () {
  'use strict';
  var KEY = 'parley:theme';
  var root = document.documentElement;
  var media = window.matchMedia('(prefers-color-scheme: dark)');
  var chosen = null;
  try { chosen = localStorage.getItem(KEY); } catch (e) { /* storage off: follow the OS */ }
  if (chosen !== 'light' && chosen !== 'dark') chosen = null;

  function label() {
    var btn = document.getElementById('theme-toggle');
    if (!btn) return;
    var next = root.dataset.theme === 'dark' ? 'light' : 'dark';
    btn.setAttribute('aria-label', 'Switch to ' + next + ' theme');
    btn.title = 'Switch to ' + next + ' theme';
  }
  function apply() {
    root.dataset.theme = chosen || (media.matches ? 'dark' : 'light');
    label();
  }
  apply();
  media.addEventListener('change', function () { if (!chosen) apply(); });
  document.addEventListener('DOMContentLoaded', label);
  document.addEventListener('click', function (e) {
    if (!e.target.closest || !e.target.closest('#theme-toggle')) return;
    chosen = root.dataset.theme === 'dark' ? 'light' : 'dark';
    try { localStorage.setItem(KEY, chosen); } catch (err) { /* kept for this page only */ }
    apply();
  });
})();
