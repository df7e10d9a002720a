// A page cut off for long: while its streams are down (the server restarts and the
// network refuses the page's streams), 250 messages, two edits and a reaction are
// posted through the API, more than the page's first render (50) and the server's
// catch-up page (200). Back online, the page shows every message once, in order,
// with the edits and the reaction applied.
import assert from 'node:assert/strict';
import {
  api, apiGuest, assertExactly, createRoom, cutStreams, suite, texts, unique, until, waitForTexts, WAIT_MS,
} from './lib/browser.mjs';

const s = suite();
const GAP = 250;
const label = (i) => `gap ${String(i).padStart(3, '0')}`;

s.test('reconnect_after_250_messages_shows_each_once_with_edits_and_reactions', async (t) => {
  const bob = await t.user('bob');
  const roomId = await createRoom(bob.page, unique('gap'));
  const writer = await apiGuest(t.url, 'writer');
  const call = async (method, path, body, status) => {
    const res = await api(t.url, method, path, { token: writer.token, body });
    assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
    return res.body?.data;
  };
  const post = (text) => call('POST', `/api/rooms/${roomId}/messages`, { text }, 201);

  const before = ['before 1', 'before 2', 'before 3'];
  const seqOf = new Map();
  for (const text of before) seqOf.set(text, (await post(text)).seq);
  await waitForTexts(bob.page, before, 'bob: the messages before the gap');

  // Bob's streams go down and stay down (refused, then 502s).
  const { attempts, restore } = await cutStreams(bob.context);
  t.allowConsole(/net::ERR_|EventSource|sseError|Failed to load resource|^\[object Event\]$/);
  t.srv.env.PORT = String(t.srv.port);
  await t.srv.restart();
  const roomStream = `/rooms/${roomId}/events`;
  await until('bob\'s page to try its room stream again (refused, then a 502)',
    () => attempts.get(roomStream) || 0, (n) => n >= 2);

  // The long gap.
  const gap = Array.from({ length: GAP }, (_, i) => label(i + 1));
  for (const text of gap) seqOf.set(text, (await post(text)).seq);
  // An edit of a message the page has, one of a message it has not yet, a reaction.
  await call('PATCH', `/api/rooms/${roomId}/messages/${seqOf.get('before 1')}`, { text: 'before 1, edited' }, 200);
  await call('PATCH', `/api/rooms/${roomId}/messages/${seqOf.get(label(5))}`, { text: `${label(5)}, edited` }, 200);
  await call('POST', `/api/rooms/${roomId}/messages/${seqOf.get('before 2')}/reactions`, { emoji: '🎉' }, 200);
  assert.deepEqual(await texts(bob.page), before, 'nothing reached the cut-off page');

  // Back online: the page catches up.
  await restore();
  const expected = ['before 1, edited', 'before 2', 'before 3',
    ...gap.map((g) => (g === label(5) ? `${label(5)}, edited` : g))];
  await until('bob\'s page to catch up with the whole gap', () => texts(bob.page),
    (ts) => ts.length >= expected.length && ts[ts.length - 1] === label(GAP) && ts[0] === 'before 1, edited',
    6 * WAIT_MS);

  // A message after everything settled: anything replayed twice would be before it.
  await post('after the gap');
  expected.push('after the gap');
  await waitForTexts(bob.page, ['after the gap']);
  await until('the last message at the bottom', () => texts(bob.page), (ts) => ts[ts.length - 1] === 'after the gap');
  const ms = await assertExactly(bob.page, expected, 'bob');
  assert.equal(new Set(ms.map((m) => m.seq)).size, expected.length, 'each message once');
  const edited = ms.filter((m) => m.edited).map((m) => m.text);
  assert.deepEqual(edited, ['before 1, edited', `${label(5)}, edited`], 'both edits marked (edited)');
  const reactions = await bob.page.evaluate((seq) =>
    [...document.querySelectorAll(`#m-${seq} button.reaction`)].map((b) =>
      `${b.dataset.emoji} ${b.querySelector('.count').textContent}`), seqOf.get('before 2'));
  assert.deepEqual(reactions, ['🎉 1'], 'the reaction is on its message');
  assert.equal(await bob.page.locator('#messages button.reaction').count(), 1, 'one reaction in all');
});
