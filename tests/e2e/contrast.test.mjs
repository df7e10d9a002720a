// Colour contrast (WCAG 2.x, success criterion 1.4.3) in both themes: every visible
// piece of text on the login page and on a busy room page has a contrast ratio of at
// least 4.5:1 against what is behind it, 3:1 for large text (24 px, or bold and
// 18.66 px). "Behind it" is the first opaque background up the element's ancestors,
// with any translucent ones on the way composited over it.
import assert from 'node:assert/strict';
import {
  apiFetch, createRoom, messageByText, openRoom, sendMessage, suite, unique, until, waitForTexts,
} from './lib/browser.mjs';

const s = suite();

// Runs in the page: one entry per text element that falls short.
function audit() {
  const parse = (css) => {
    const m = /rgba?\(([^)]+)\)/.exec(css);
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1,
  });
  const luminance = ({ r, g, b }) => {
    const f = (v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  };
  // The colour behind el: its own and its ancestors' backgrounds, top down, until an
  // opaque one; the canvas (white) if none is.
  const backdrop = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const opacity = (el) => {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  };
  // Emoji are drawn in their own colours, not in `color`.
  const onlyPictographs = /^[\p{Extended_Pictographic}\u{FE0F}\u{200D}\s]+$/u;
  const hex = ({ r, g, b }) => `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      parts.unshift(e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') +
        (e.classList.length ? `.${[...e.classList].join('.')}` : ''));
    }
    return parts.join(' > ');
  };

  const failures = [];
  let checked = 0;
  for (const el of document.body.querySelectorAll('*')) {
    // An empty field's placeholder is text too, in the ::placeholder colour.
    const placeholder = el.matches('input:placeholder-shown, textarea:placeholder-shown');
    const text = placeholder ? el.placeholder.trim() : [...el.childNodes]
      .filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim();
    if (!text || onlyPictographs.test(text)) continue;
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue; // .sr-only: for screen readers only
    if (box.right <= 0 || box.left >= innerWidth || box.bottom <= 0 || box.top >= innerHeight) continue;
    const o = opacity(el);
    if (o < 0.01) continue;
    const style = getComputedStyle(el, placeholder ? '::placeholder' : null);
    const bg = backdrop(el);
    const fg = parse(style.color);
    fg.a *= o;
    const shown = over(fg, bg);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66);
    const need = large ? 3 : 4.5;
    const r = ratio(shown, bg);
    checked++;
    if (r < need) {
      failures.push(`${r.toFixed(2)}:1 < ${need}:1 for ${JSON.stringify(text.slice(0, 40))} ` +
        `(${hex(shown)} on ${hex(bg)}, ${size}px) at ${path(el)}`);
    }
  }
  return { checked, failures };
}

async function assertContrast(page, what) {
  const { checked, failures } = await page.evaluate(audit);
  assert.ok(checked >= 10, `${what}: expected many text elements to check, found ${checked}`);
  assert.deepEqual(failures, [], `${what}: text below the WCAG AA contrast ratio`);
}

for (const theme of ['light', 'dark']) {
  s.test(`text_contrast_meets_wcag_aa_in_the_${theme}_theme`, async (t) => {
    // The login page, with an error shown.
    t.allowConsole(/status of 401/); // the wrong password, on purpose
    const visitor = await t.newContext('visitor', { colorScheme: theme });
    const login = await visitor.newPage();
    await login.goto(`${t.url}/login`);
    await login.locator('form#login-form input[name=username]').fill(unique('nobody'));
    await login.locator('form#login-form input[name=password]').fill('not the password');
    await login.locator('form#login-form button[value=login]').click();
    await login.locator('[role=alert]').waitFor({ state: 'visible' });
    assert.equal(await login.evaluate(() => document.documentElement.dataset.theme), theme);
    await assertContrast(login, `the login page (${theme})`);

    // A room with most of what a room shows: own and others' messages, markdown,
    // an edit, reactions (one of them the viewer's), a join, an unread badge, the
    // members panel, someone typing, and an error in the toast.
    const alice = await t.user('alice', { colorScheme: theme });
    const bob = await t.user('bob', { colorScheme: theme });
    const other = await createRoom(alice.page, unique('other'));
    const roomId = await createRoom(alice.page, unique('palette'));
    // Bob is in the other room before his page opens, so its stream counts it.
    const joined = await apiFetch(bob.page, 'POST', `/api/rooms/${other}/join`);
    assert.equal(joined.status, 204);
    await openRoom(bob.page, t.url, roomId);
    await sendMessage(bob.page, 'hello from **bob** with `code`', { shown: false });
    await sendMessage(alice.page, '> a quote\n\nand a [link](https://example.com)', { shown: false });
    await sendMessage(alice.page, 'fixed later');
    await waitForTexts(bob.page, ['fixed later']);
    const edited = await apiFetch(alice.page, 'GET', `/api/rooms/${roomId}/messages?limit=10`);
    const last = edited.body.data.events.filter((e) => e.kind === 'message').at(-1);
    const res = await apiFetch(alice.page, 'PATCH', `/api/rooms/${roomId}/messages/${last.seq}`, { text: 'fixed now' });
    assert.equal(res.status, 200, JSON.stringify(res));
    for (const who of [alice, bob]) {
      const r = await apiFetch(who.page, 'POST', `/api/rooms/${roomId}/messages/${last.seq}/reactions`, { emoji: '🎉' });
      assert.equal(r.status, 200, JSON.stringify(r));
    }
    await apiFetch(alice.page, 'POST', `/api/rooms/${other}/messages`, { text: 'unread elsewhere' });
    await until('bob\'s page to show the edit and both reactions', () =>
      messageByText(bob.page, 'fixed now').locator('button.reaction .count').textContent(), (v) => v === '2');
    await until('an unread badge in bob\'s sidebar', () =>
      bob.page.locator(`a.room-link[data-room="${other}"] .badge`).textContent(), (v) => v === '1');
    await alice.page.locator('form#composer textarea').pressSequentially('typing…');
    await until('alice typing on bob\'s page', () => bob.page.locator('#typing').textContent(), (v) => v.length > 0);
    await bob.page.evaluate(() => window.parley.fail('Could not react', 403, 'for the contrast test'));
    await assertContrast(bob.page, `the room page (${theme})`);

    // A visitor who has not joined: the reaction pills are disabled, not fainter.
    const carol = await t.user('carol', { colorScheme: theme });
    await openRoom(carol.page, t.url, roomId);
    await until('carol\'s pills to be disabled', () => carol.page.locator('button.reaction').first().isDisabled());
    await assertContrast(carol.page, `the room page of a visitor (${theme})`);
  });
}
