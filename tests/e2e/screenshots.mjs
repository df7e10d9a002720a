// Takes the screenshots of docs/screenshots/ from a real server with a small,
// believable conversation: desktop (1280×800) and mobile (390×844), light and dark;
// and a random chat (/random) on the desktop.
//
//   PARLEY_BIN=build/parley node tests/e2e/screenshots.mjs [out-dir]
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  api, apiFetch, apiGuest, launchBrowser, loginAsGuest, openRoom, startServer, until, WAIT_MS,
} from './lib/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(process.argv[2] || path.join(here, '..', '..', 'docs', 'screenshots'));

const VIEWS = [
  { file: 'desktop-light.png', viewport: { width: 1280, height: 800 }, colorScheme: 'light' },
  { file: 'desktop-dark.png', viewport: { width: 1280, height: 800 }, colorScheme: 'dark' },
  { file: 'mobile-light.png', viewport: { width: 390, height: 844 }, colorScheme: 'light', mobile: true },
  { file: 'mobile-dark.png', viewport: { width: 390, height: 844 }, colorScheme: 'dark', mobile: true },
];

async function main() {
  mkdirSync(outDir, { recursive: true });
  const srv = await startServer({ label: 'parley' });
  const browser = await launchBrowser();
  try {
    // Alice uses the browser; Bob and Chen talk through the API.
    const setup = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    setup.setDefaultTimeout(WAIT_MS);
    const page = await setup.newPage();
    await loginAsGuest(page, srv.url, 'Alice');
    // Rooms through the API: the tests cover the dialog, and the pictures need no clicking.
    const room = async (name) => {
      const res = await apiFetch(page, 'POST', '/api/rooms', { name, visibility: 'public' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.data.id;
    };
    const designId = await room('design-review');
    await room('random');
    const roomId = await room('release');
    const bob = await apiGuest(srv.url, 'Bob');
    const chen = await apiGuest(srv.url, 'Chen');
    for (const u of [bob, chen]) {
      for (const id of [roomId, designId]) {
        const res = await api(srv.url, 'POST', `/api/rooms/${id}/join`, { token: u.token });
        assert.equal(res.status, 204, res.text);
      }
    }

    const say = async (who, text) => {
      const res = who === 'alice'
        ? await apiFetch(page, 'POST', `/api/rooms/${roomId}/messages`, { text })
        : await api(srv.url, 'POST', `/api/rooms/${roomId}/messages`, { token: who.token, body: { text } });
      assert.equal(res.status, 201, JSON.stringify(res.body ?? res.text));
      return res.body.data.seq;
    };
    const react = async (who, seq, emoji) => {
      const p = `/api/rooms/${roomId}/messages/${seq}/reactions`;
      const res = who === 'alice'
        ? await apiFetch(page, 'POST', p, { emoji })
        : await api(srv.url, 'POST', p, { token: who.token, body: { emoji } });
      assert.equal(res.status, 200, JSON.stringify(res.body ?? res.text));
    };

    await say(bob, 'Morning! Where are we on the **release checklist**?');
    const c1 = await say(chen, 'Two items left: the `docs/API.md` review and the load test.');
    await say(chen, 'The review is mine, should be done before lunch.');
    const a1 = await say('alice', 'I\'ll take the load test: 10k connections on one box, SSE and WebSocket.');
    const b2 = await say(bob, 'Last week\'s numbers, for comparison:\n\n- p50 delivery **1.2 ms**\n- p99 delivery **4 ms** at 5k subscribers');
    const a2 = await say('alice', 'Running it now, results in ~20 minutes ⏱️');
    const res = await apiFetch(page, 'PATCH', `/api/rooms/${roomId}/messages/${a2}`,
      { text: 'Running it now, results in ~15 minutes ⏱️' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await say(chen, 'Ship it 🚀');
    await react(bob, a1, '👍');
    await react(chen, a1, '👍');
    await react('alice', b2, '🎉');
    await react(bob, c1, '✅');
    // Something unread elsewhere, for the sidebar's badge.
    for (const text of ['New mock-ups for the room list are up', 'Feedback welcome before Friday']) {
      const r = await api(srv.url, 'POST', `/api/rooms/${designId}/messages`, { token: chen.token, body: { text } });
      assert.equal(r.status, 201, r.text);
    }
    const cookies = await setup.cookies();
    // Bob is online too (his own event stream open), Chen is not; the setup page
    // stays open, so Alice is online when each page renders.
    const bobOnline = new AbortController();
    await fetch(`${srv.url}/api/events`, { headers: { authorization: `Bearer ${bob.token}` }, signal: bobOnline.signal });

    for (const v of VIEWS) {
      const context = await browser.newContext({
        viewport: v.viewport,
        colorScheme: v.colorScheme,
        deviceScaleFactor: v.mobile ? 2 : 1,
        isMobile: !!v.mobile,
        hasTouch: !!v.mobile,
      });
      context.setDefaultTimeout(WAIT_MS);
      // Alice's session, in a context of this size and scheme.
      await context.addCookies(cookies);
      const p = await context.newPage();
      await openRoom(p, srv.url, roomId);
      await until('the messages to render', () => p.locator('#messages article.msg').count(), (n) => n >= 7);
      // Live state that arrives over the streams just after the load: Alice's own
      // presence and the other room's badge. A picture without them is still a picture.
      await until('Alice and Bob shown online and the unread badge painted', () => p.evaluate(() =>
        document.querySelectorAll('#members li[data-user] span.dot.online').length >= 2 &&
        document.querySelector('#sidebar a.room-link .badge')?.textContent.trim() !== ''), Boolean, 5000)
        .catch((e) => console.warn(`(${v.file}: ${e.message.split('\n')[0]})`));
      await p.evaluate(() => document.fonts.ready);
      await until('transitions to finish', () => p.evaluate(() =>
        document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== 'running')));
      await p.screenshot({ path: path.join(outDir, v.file) });
      console.log(`wrote ${path.join(outDir, v.file)}`);
      await context.close();
    }
    bobOnline.abort();
    await setup.close();
    await randomChat(browser, srv);
  } finally {
    await browser.close();
    await srv.close();
  }
}

// Dana finds a stranger on /random (Evan, through the API) and they talk.
async function randomChat(browser, srv) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  await loginAsGuest(page, srv.url, 'Dana');
  await page.goto(`${srv.url}/random`);
  // Dana's ask goes out once her page's stream is open; then she is waiting.
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/random/find'),
    page.locator('button#find').click(),
  ]);
  const evan = await apiGuest(srv.url, 'Evan');
  const r = await api(srv.url, 'POST', '/api/match', { token: evan.token });
  assert.equal(r.body?.data?.status, 'matched', r.text);
  const m = r.body.data;
  await page.locator('main#room[data-kind="random"] form#composer').waitFor({ state: 'visible' });
  const room = m.room.id;
  const evanSays = async (text) => {
    const r = await api(srv.url, 'POST', `/api/rooms/${room}/messages`, { token: evan.token, body: { text } });
    assert.equal(r.status, 201, r.text);
  };
  const danaSays = async (text) => {
    const r = await apiFetch(page, 'POST', `/api/rooms/${room}/messages`, { text });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  };
  await evanSays('Hi! First time trying this 👋');
  await danaSays('Hello! Same here. Where are you writing from?');
  await evanSays('Lisbon, it is *way* too sunny to be indoors');
  await danaSays('Rainy Oslo here, so I envy you a little ☔');
  await until('the random chat to render', () => page.locator('#messages article.msg').count(), (n) => n >= 4);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(outDir, 'desktop-random.png') });
  console.log(`wrote ${path.join(outDir, 'desktop-random.png')}`);
  await context.close();
}

await main();
