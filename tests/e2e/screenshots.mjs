// Takes the screenshots of docs/screenshots/ from a real server with a small,
// believable conversation: desktop (1280×800) and mobile (390×844), light and dark.
//
//   PARLEY_BIN=build/parley node tests/e2e/screenshots.mjs [out-dir]
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  api, apiFetch, apiGuest, createRoom, launchBrowser, loginAsGuest, openRoom, startServer, until, WAIT_MS,
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
    await createRoom(page, 'design-review');
    await createRoom(page, 'random');
    const roomId = await createRoom(page, 'release');
    const bob = await apiGuest(srv.url, 'Bob');
    const chen = await apiGuest(srv.url, 'Chen');
    for (const u of [bob, chen]) {
      const res = await api(srv.url, 'POST', `/api/rooms/${roomId}/join`, { token: u.token });
      assert.equal(res.status, 204, res.text);
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
    const cookies = await setup.cookies();
    await setup.close();

    for (const v of VIEWS) {
      const context = await browser.newContext({
        viewport: v.viewport,
        colorScheme: v.colorScheme,
        deviceScaleFactor: v.mobile ? 3 : 1,
        isMobile: !!v.mobile,
        hasTouch: !!v.mobile,
      });
      context.setDefaultTimeout(WAIT_MS);
      // Alice's session, in a context of this size and scheme.
      await context.addCookies(cookies);
      const p = await context.newPage();
      await openRoom(p, srv.url, roomId);
      await until('the messages to render', () => p.locator('#messages article.msg').count(), (n) => n >= 7);
      await p.evaluate(() => document.fonts.ready);
      await until('transitions to finish', () => p.evaluate(() =>
        document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== 'running')));
      await p.screenshot({ path: path.join(outDir, v.file) });
      console.log(`wrote ${path.join(outDir, v.file)}`);
      await context.close();
    }
  } finally {
    await browser.close();
    await srv.close();
  }
}

await main();
