// A page whose streams failed for a while (a laptop asleep, a phone offline) waits
// longer and longer between retries (0.5 s doubling up to 64 s). When it becomes
// visible again, or the browser comes back online, it must not wait out that delay:
// it reconnects at once, from the last message it has, and shows what it missed
// once each.
import assert from 'node:assert/strict';
import {
  assertExactly, createRoom, openRoom, sendMessage, setHidden, suite, TIME_SCALE, unique, until, waitForTexts,
} from './lib/browser.mjs';

const s = suite();

// The next retry after the 6th failure in a row is 16 s away: "at once" must beat it
// by far, even in a sanitizer build (PARLEY_TEST_TIME_SCALE=3).
const FAILURES = 6;
const PROMPT_MS = 2500 * TIME_SCALE;

// Cuts the room stream of `who`'s page: the server restarts (the open stream ends)
// and every attempt to reconnect it gets a 502, as from a proxy in front of a server
// that is down, until FAILURES attempts in a row have failed. Returns a function that
// lets the stream through again and says when the page's first new attempt was made.
async function cutUntilBackedOff(t, who, roomId) {
  const roomStream = `/rooms/${roomId}/events`;
  let failures = 0;
  const isStream = (url) => /\/events$/.test(url.pathname);
  await who.context.route(isStream, (route) => {
    if (new URL(route.request().url()).pathname === roomStream) failures++;
    return route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>502 Bad Gateway</h1>' });
  });
  t.allowConsole(/net::ERR_|EventSource|sseError|Failed to load resource|^\[object Event\]$/);
  t.srv.env.PORT = String(t.srv.port);
  await t.srv.restart();
  await until(`${who.name}: ${FAILURES} failed attempts in a row to reconnect the room stream`,
    () => failures, (n) => n >= FAILURES, 30_000 * TIME_SCALE);
  return async () => {
    const attempts = [];
    who.page.on('request', (r) => {
      if (new URL(r.url()).pathname === roomStream) attempts.push(Date.now());
    });
    await who.context.unroute(isStream);
    return attempts;
  };
}

async function missedWhileAway(t, { hide, wake, label }) {
  const alice = await t.user('alice', { hideable: true });
  const bob = await t.user('bob');
  const roomId = await createRoom(alice.page, unique(label));
  await openRoom(bob.page, t.url, roomId);
  const said = ['before the cut', 'bob was here'];
  await sendMessage(alice.page, said[0]);
  await sendMessage(bob.page, said[1]);
  await waitForTexts(alice.page, said);

  // Alice's streams fail over and over (her tab in the background, if `hide`).
  if (hide) await setHidden(alice.page, true);
  const reopen = await cutUntilBackedOff(t, alice, roomId);
  const attempts = await reopen();
  // Bob writes while she is away (his page reconnected by itself).
  for (const text of ['missed one', 'missed two']) {
    await sendMessage(bob.page, text);
    said.push(text);
  }
  assert.deepEqual(attempts, [], 'no retry was due yet: the backoff had grown');

  // She comes back: the messages arrive promptly, each once.
  const woke = Date.now();
  await wake(alice.page);
  await waitForTexts(alice.page, said.slice(2), 'alice: what she missed, promptly after waking');
  const took = Date.now() - woke;
  assert.ok(took < PROMPT_MS, `the missed messages took ${took} ms after waking (the next retry was 16 s away)`);
  assert.ok(attempts.length >= 1 && attempts[0] - woke < PROMPT_MS, `a new stream at once: ${attempts.map((a) => a - woke)}`);

  // And the stream is live again, with nothing doubled.
  await sendMessage(bob.page, 'all caught up');
  said.push('all caught up');
  await waitForTexts(alice.page, ['all caught up']);
  const ms = await assertExactly(alice.page, said, 'alice');
  assert.equal(new Set(ms.map((m) => m.seq)).size, said.length, 'each message once');
}

s.test('a_tab_made_visible_again_reconnects_at_once', async (t) => {
  await missedWhileAway(t, { hide: true, wake: (page) => setHidden(page, false), label: 'wake' });
});

s.test('coming_back_online_reconnects_at_once', async (t) => {
  // The tab stays visible; the browser says it is online again (the event a real
  // network change fires).
  await missedWhileAway(t, {
    hide: false,
    wake: (page) => page.evaluate(() => window.dispatchEvent(new Event('online'))),
    label: 'online',
  });
});
