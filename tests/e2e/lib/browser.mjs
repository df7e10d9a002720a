// Harness for the browser tests: Debian's Chromium driven by playwright-core,
// against a real parley binary (tests/integration/lib/server.mjs: a free port, a
// temp dir, always cleaned up).
//
//   const s = suite();                       // one server and one browser per file
//   s.test('name_of_the_behaviour', async (t) => {
//     const alice = await t.user('alice');   // a fresh browser context, signed in
//     await sendMessage(alice.page, 'hi');   // through the UI, as a person would
//   });
//
// Every test, pass or fail, leaves a screenshot of each page it opened in
// tests/e2e/output/<test-name>.png (more pages: <test-name>--<who>.png). A test fails
// if any page opened a JavaScript dialog or logged an error to the console (or threw),
// unless the test declared that error expected (t.allowConsole).
//
// The selectors are those of docs/web-dom-contract.md. Waits poll the DOM with a
// timeout and say what they waited for; nothing sleeps to synchronise.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, TIME_SCALE } from '../../integration/lib/server.mjs';
import { after, before, test as serverTest } from '../../integration/lib/test.mjs';

export { startServer, TIME_SCALE };

const here = path.dirname(fileURLToPath(import.meta.url));
export const OUTPUT_DIR = process.env.PARLEY_E2E_OUTPUT || path.resolve(here, '..', 'output');
export const CHROMIUM = process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';
export const WAIT_MS = 10_000 * TIME_SCALE;

// ---------------------------------------------------------------------------
// The browser

// We pass every flag ourselves (ignoreDefaultArgs: true), so that the browser runs
// with exactly the flags below and a user-data-dir of our own that is removed
// whatever happens.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  // playwright-core talks to the browser over a pipe and opens its own windows.
  '--remote-debugging-pipe',
  '--no-startup-window',
  // A page in the background keeps its timers and streams at full speed: the unread
  // test hides a page and expects it to keep counting.
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  // The same pixels on every machine, for the screenshots.
  '--force-color-profile=srgb',
  '--hide-scrollbars',
  // No probing for a desktop keyring.
  '--password-store=basic',
];

const userDataDirs = new Set();
process.on('exit', () => {
  for (const dir of userDataDirs) rmSync(dir, { recursive: true, force: true });
});

// Launches Chromium with a fresh user-data-dir; browser.close() removes it.
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/deps.sh test (Debian package chromium) ` +
      'or set PARLEY_CHROMIUM');
  }
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-e2e-chromium-'));
  userDataDirs.add(userDataDir);
  const removeDir = async () => {
    await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    userDataDirs.delete(userDataDir);
  };
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      ignoreDefaultArgs: true,
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${userDataDir}`],
      timeout: 60_000 * TIME_SCALE,
    });
  } catch (e) {
    await removeDir();
    throw e;
  }
  const close = browser.close.bind(browser);
  browser.close = async () => {
    try {
      await close();
    } finally {
      await removeDir();
    }
  };
  return browser;
}

// ---------------------------------------------------------------------------
// A suite: one server and one browser for the tests of a file.

export function suite({ env = {} } = {}) {
  const state = { srv: null, browser: null };
  before(async () => {
    state.srv = await startServer({ env, label: 'parley' });
    state.browser = await launchBrowser();
  });
  after(async () => {
    try {
      await state.browser?.close();
    } finally {
      await state.srv?.close();
    }
  });
  return {
    get srv() {
      return state.srv;
    },
    get browser() {
      return state.browser;
    },
    test(name, opts, fn) {
      if (typeof opts === 'function') {
        fn = opts;
        opts = {};
      }
      return serverTest(name, opts, async () => {
        const t = new Session(name, state.browser, state.srv);
        let failure = null;
        try {
          await fn(t);
        } catch (e) {
          failure = e;
        }
        await t.finish(failure);
      });
    },
  };
}

// ---------------------------------------------------------------------------
// A test's session: its browser contexts, pages, watchers and screenshots.

// Known harmless console errors on any page: a browser asking for /favicon.ico
// where the page names no icon.
const HARMLESS_CONSOLE = [{ text: /status of 404/, url: /\/favicon\.ico$/ }];

export class Session {
  constructor(name, browser, srv) {
    this.name = name;
    this.browser = browser;
    this.srv = srv;
    this.contexts = [];
    this.pages = []; // {page, who}
    this.problems = []; // dialogs, console errors, page errors
    this.allowed = [];
  }

  get url() {
    return this.srv.url;
  }

  // Console errors matching re are expected from now on (e.g. while the server is down).
  allowConsole(re) {
    this.allowed.push(re);
  }

  // A fresh browser context (own cookies and storage). opts: playwright context options,
  // plus `hideable: true` to install the visibility switch used by setHidden().
  async newContext(who, { hideable = false, ...opts } = {}) {
    const context = await this.browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'light',
      ...opts,
    });
    context.setDefaultTimeout(WAIT_MS);
    context.setDefaultNavigationTimeout(WAIT_MS * 2);
    this.contexts.push(context);
    if (hideable) await context.addInitScript(VISIBILITY_SWITCH);
    context.on('page', (page) => this.watch(page, who));
    return context;
  }

  watch(page, who) {
    const entry = { page, who: who + (this.pages.some((p) => p.who === who) ? `-${this.pages.length}` : '') };
    this.pages.push(entry);
    // Requests in flight, for the report of a failing test (a page stuck waiting).
    entry.inFlight = new Map();
    page.on('request', (r) => entry.inFlight.set(r, Date.now()));
    page.on('requestfinished', (r) => entry.inFlight.delete(r));
    page.on('requestfailed', (r) => entry.inFlight.delete(r));
    page.on('dialog', (d) => {
      this.problems.push(`${entry.who}: a JavaScript ${d.type()} dialog fired: ${JSON.stringify(d.message())}`);
      d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => {
      this.problems.push(`${entry.who}: uncaught exception in the page: ${e.stack || e.message}`);
    });
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      const url = m.location()?.url || '';
      if (HARMLESS_CONSOLE.some((h) => h.text.test(text) && h.url.test(url))) return;
      if (this.allowed.some((re) => re.test(text))) return;
      this.problems.push(`${entry.who}: console error at ${page.url()}: ${text}${url ? ` (${url})` : ''}`);
    });
  }

  // A user: a fresh context, signed in as a guest through the /login form.
  // Returns {name, id, context, page}.
  async user(name, opts = {}) {
    const context = await this.newContext(name, opts);
    const page = await context.newPage();
    await loginAsGuest(page, this.url, name);
    const me = await apiFetch(page, 'GET', '/api/me');
    assert.equal(me.status, 200, `GET /api/me after signing in ${name}: ${JSON.stringify(me)}`);
    // A taken guest name gets a suffix: the name shown is the one the server gave.
    return { name: me.body.data.name, id: me.body.data.id, context, page };
  }

  // A screenshot of page under OUTPUT_DIR: <test-name>.png, or <test-name>--<label>.png.
  async screenshot(page, label, timeout = WAIT_MS) {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const file = path.join(OUTPUT_DIR, `${slug(this.name)}${label ? `--${slug(label)}` : ''}.png`);
    try {
      await page.screenshot({ path: file, timeout });
    } catch (e) {
      // A page stuck in a navigation: take what the browser shows, straight from it.
      const cdp = await page.context().newCDPSession(page);
      const shot = await withDeadline(cdp.send('Page.captureScreenshot', { format: 'png' }), timeout,
        `screenshot (${e.message.split('\n')[0]})`);
      writeFileSync(file, Buffer.from(shot.data, 'base64'));
    }
    return file;
  }

  // Screenshots every open page, closes the contexts, then fails with what went wrong.
  async finish(failure) {
    if (failure) {
      const now = Date.now();
      for (const { who, inFlight } of this.pages) {
        for (const [r, since] of inFlight) {
          if (now - since > 1000) {
            this.problems.push(`${who}: still waiting ${now - since} ms for ${r.method()} ${r.url()}`);
          }
        }
      }
    }
    let first = true;
    for (const { page, who } of this.pages) {
      if (page.isClosed()) continue;
      try {
        // A page stuck in a navigation cannot be captured: do not wait long for it.
        await this.screenshot(page, first ? '' : who, failure ? 3000 * TIME_SCALE : WAIT_MS);
        first = false;
      } catch (e) {
        this.problems.push(`screenshot of ${who} failed: ${e.message}`);
      }
    }
    for (const c of this.contexts) await c.close().catch(() => {});
    if (failure) {
      if (this.problems.length > 0) {
        // The report prints the stack, which holds the message as it was when thrown.
        const more = `\n  also, in the browser:\n    ${this.problems.join('\n    ')}`;
        failure.message += more;
        if (typeof failure.stack === 'string') failure.stack += more;
      }
      throw failure;
    }
    assert.deepEqual(this.problems, [], 'the pages must open no JavaScript dialog and log no error');
  }
}

function slug(s) {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '_');
}

// Lets a test hide a page the way a background tab is hidden: headless Chromium
// reports every page as visible, so document.visibilityState / document.hidden /
// document.hasFocus() are taken over and the events a real tab switch fires are sent.
const VISIBILITY_SWITCH = `(() => {
  let hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get() { return hidden ? 'hidden' : 'visible'; } });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get() { return hidden; } });
  const hasFocus = Document.prototype.hasFocus;
  Document.prototype.hasFocus = function () { return hidden ? false : hasFocus.call(this); };
  window.__parleyTestSetHidden = (h) => {
    if (h === hidden) return;
    hidden = h;
    if (h) window.dispatchEvent(new Event('blur'));
    document.dispatchEvent(new Event('visibilitychange'));
    if (!h) window.dispatchEvent(new Event('focus'));
  };
})();`;

// Hides (true) or shows (false) a page of a context made with {hideable: true}.
// Cuts a context's page streams (paths ending in /events) as a server restart behind
// a proxy does: each stream's first attempt to reconnect finds no server, the next
// ones get a 502 (which makes the browser give up on that EventSource, so the page
// must open a new one). Other requests still go through. Returns the attempts per
// stream path and restore(), which lets the streams through again.
export async function cutStreams(context) {
  const attempts = new Map();
  const isStream = (url) => /\/events$/.test(url.pathname);
  await context.route(isStream, (route) => {
    const key = new URL(route.request().url()).pathname;
    const n = (attempts.get(key) || 0) + 1;
    attempts.set(key, n);
    if (n === 1) return route.abort('connectionrefused');
    return route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>502 Bad Gateway</h1>' });
  });
  return { attempts, restore: () => context.unroute(isStream) };
}

export async function setHidden(page, hidden) {
  const ok = await page.evaluate((h) => {
    if (typeof window.__parleyTestSetHidden !== 'function') return false;
    window.__parleyTestSetHidden(h);
    return true;
  }, hidden);
  assert.ok(ok, 'setHidden needs a context made with {hideable: true}');
}

// ---------------------------------------------------------------------------
// Waiting

// Polls probe() until ok(value); fails after timeoutMs saying what it waited for and
// the last value seen. A probe that throws (a page in the middle of a navigation)
// counts as not yet.
export async function until(what, probe, ok = Boolean, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      // A probe can hang (page.evaluate has no timeout of its own): it gets what is left.
      last = await withDeadline(probe(), Math.max(250, deadline - Date.now()), 'the probe did not answer');
      if (ok(last)) return last;
    } catch (e) {
      last = `(probe threw: ${e.message.split('\n')[0]})`;
    }
    if (Date.now() > deadline) {
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${show(last)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// promise, or a rejection saying `what` after ms.
export function withDeadline(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function show(v) {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 2000 ? `${s.slice(0, 2000)}…` : s;
}

// ---------------------------------------------------------------------------
// Pages, through the UI of docs/web-dom-contract.md

// The submit button of a form (a cancel button of a dialog is not one).
function submitButton(form) {
  return form
    .locator('button[type=submit], input[type=submit], button:not([type]):not([formmethod=dialog]):not([value=cancel])')
    .first();
}

// Signs in as a guest through GET /login and its form#guest-form; ends on the app.
export async function loginAsGuest(page, baseUrl, name) {
  await page.goto(`${baseUrl}/login`);
  const form = page.locator('form#guest-form');
  await form.locator('input[name=name]').fill(name);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    submitButton(form).click(),
  ]);
  // "/" shows the newest room or the empty state; both have the new-room button.
  await page.locator('button#new-room').waitFor({ state: 'attached' });
}

// Opens the sidebar if the layout hides it (narrow screens).
export async function ensureSidebar(page) {
  const sidebar = page.locator('nav#sidebar');
  if (await sidebar.isVisible() && (await inViewport(page, sidebar))) return;
  const toggle = page.locator('button#menu-toggle');
  if (await toggle.isVisible()) {
    await toggle.click();
    await until('the sidebar to open (body.sidebar-open)', () =>
      page.evaluate(() => document.body.classList.contains('sidebar-open')));
  }
}

// True if the element's box lies at least partly in the viewport.
export async function inViewport(page, locator) {
  const box = await locator.boundingBox();
  if (!box || box.width === 0 || box.height === 0) return false;
  const vp = page.viewportSize();
  return box.x < vp.width && box.x + box.width > 0 && box.y < vp.height && box.y + box.height > 0;
}

// Creates a room through button#new-room and dialog#new-room-dialog; ends on the
// new room's page. Returns its id.
export async function createRoom(page, name, visibility = 'public') {
  const button = page.locator('button#new-room');
  if (!(await button.isVisible()) || !(await inViewport(page, button))) await ensureSidebar(page);
  const before = new URL(page.url()).pathname;
  await button.click();
  const dialog = page.locator('dialog#new-room-dialog');
  await dialog.waitFor({ state: 'visible' });
  const form = dialog.locator('form');
  await form.locator('input[name=name]').fill(name);
  await form.locator('select[name=visibility]').selectOption(visibility);
  await Promise.all([
    page.waitForURL((u) => u.pathname.startsWith('/rooms/') && u.pathname !== before),
    submitButton(form).click(),
  ]);
  await until(`h1#room-name to read ${JSON.stringify(name)}`, () => roomName(page), (t) => t === name);
  return roomIdOf(page);
}

// The text of h1#room-name without its decorations (aria-hidden parts, like a '#').
export function roomName(page) {
  return page.evaluate(() => {
    const h1 = document.querySelector('h1#room-name')?.cloneNode(true);
    if (!h1) return null;
    for (const e of h1.querySelectorAll('[aria-hidden="true"]')) e.remove();
    return h1.textContent.trim();
  });
}

export function roomIdOf(page) {
  const m = /^\/rooms\/([^/?#]+)/.exec(new URL(page.url()).pathname);
  assert.ok(m, `not on a room page: ${page.url()}`);
  return decodeURIComponent(m[1]);
}

// Opens /rooms/{id} and waits for the room to be live (the composer is there).
export async function openRoom(page, baseUrl, roomId) {
  await page.goto(`${baseUrl}/rooms/${encodeURIComponent(roomId)}`);
  await page.locator('form#composer textarea[name=text]').waitFor({ state: 'visible' });
}

// Opens a room by its link in the sidebar (a.room-link[data-room]).
export async function openRoomFromSidebar(page, roomId) {
  await ensureSidebar(page);
  await Promise.all([
    page.waitForURL((u) => u.pathname === `/rooms/${encodeURIComponent(roomId)}`),
    page.locator(`nav#sidebar a.room-link[data-room="${roomId}"]`).click(),
  ]);
  await composer(page).waitFor({ state: 'visible' });
}

export function composer(page) {
  return page.locator('form#composer textarea[name=text]');
}

// Types text in the composer and presses Enter (a physical keyboard); waits until
// the composer is empty and (unless shown: false) the message is on the page.
export async function sendMessage(page, text, { shown = true } = {}) {
  const box = composer(page);
  await box.fill(text);
  await box.press('Enter');
  await until(`the composer to clear after sending ${JSON.stringify(text)}`, () => box.inputValue(), (v) => v === '');
  if (shown) await waitForTexts(page, [text], `own message ${JSON.stringify(text)}`);
}

// The messages on a page, top to bottom.
export function messages(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#messages article.msg')].map((a) => ({
      id: a.id,
      seq: Number(a.dataset.seq),
      author: a.dataset.author,
      text: (a.querySelector('.body')?.innerText ?? '').trim(),
      edited: a.querySelector('.edited') !== null,
      selected: a.classList.contains('selected'),
    })));
}

export async function texts(page) {
  return (await messages(page)).map((m) => m.text);
}

// Waits until every text of `wanted` is shown in a message.
export function waitForTexts(page, wanted, what = `messages ${JSON.stringify(wanted)}`) {
  return until(`${what} on the page`, () => texts(page), (have) => wanted.every((w) => have.includes(w)));
}

// The article.msg whose body reads exactly `text`.
export function messageByText(page, text) {
  const exact = new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  return page.locator('#messages article.msg').filter({ has: page.locator('.body', { hasText: exact }) });
}

// Asserts the page shows exactly `expected` (texts, top to bottom), each once, with
// distinct ascending seqs and matching DOM ids.
export async function assertExactly(page, expected, who) {
  const ms = await messages(page);
  assert.deepEqual(ms.map((m) => m.text), expected, `${who}: the messages shown, top to bottom`);
  const seqs = ms.map((m) => m.seq);
  assert.ok(seqs.every((s, i) => Number.isInteger(s) && s > 0 && (i === 0 || s > seqs[i - 1])),
    `${who}: data-seq must be distinct and ascending: ${seqs.join(',')}`);
  for (const m of ms) assert.equal(m.id, `m-${m.seq}`, `${who}: article id for seq ${m.seq}`);
  return ms;
}

// ---------------------------------------------------------------------------
// The JSON API, from inside a page (its cookie, a same-origin request: the way the
// page's own script calls it) or from Node with a bearer token.

export function apiFetch(page, method, apiPath, body) {
  return withDeadline(page.evaluate(async ([m, p, b, ms]) => {
    const init = { method: m, headers: { accept: 'application/json' }, signal: AbortSignal.timeout(ms) };
    if (b !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(b);
    }
    const res = await fetch(p, init);
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: json, text: text.slice(0, 500) };
  }, [method, apiPath, body, WAIT_MS]), WAIT_MS + 1000, `${method} ${apiPath} from the page did not answer`);
}

export async function api(baseUrl, method, apiPath, { token, body } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(baseUrl + apiPath, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(WAIT_MS),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: json, text };
}

// A guest signed in through the API (for seeding): {user_id, username, token}.
export async function apiGuest(baseUrl, name) {
  const res = await api(baseUrl, 'POST', '/api/guest', { body: { name } });
  assert.equal(res.status, 200, `POST /api/guest: ${res.text}`);
  return res.body.data;
}

let uniq = 0;
export function unique(prefix) {
  return `${prefix}-${process.pid.toString(36)}${(++uniq).toString(36)}`;
}

// The question asked before what cannot be undone (dialog#confirm-dialog, a modal
// role=alertdialog): waits for it to be open and returns its title, text and the
// id or class of the button that has the focus.
export async function confirmShown(page, what = 'the confirmation dialog') {
  return until(`${what} (dialog#confirm-dialog[open])`, () => page.evaluate(() => {
    const d = document.querySelector('dialog#confirm-dialog');
    if (!d || !d.open) return null;
    const f = document.activeElement;
    return {
      role: d.getAttribute('role'),
      modal: d.matches(':modal'),
      title: d.querySelector('h2')?.textContent ?? '',
      text: d.querySelector('p')?.textContent ?? '',
      ok: d.querySelector('#confirm-ok')?.textContent ?? '',
      focus: f && d.contains(f) ? (f.id || f.className) : null,
    };
  }));
}

// Waits for dialog#confirm-dialog to be closed.
export function confirmClosed(page) {
  return until('dialog#confirm-dialog to close', () =>
    page.evaluate(() => !document.querySelector('dialog#confirm-dialog')?.open));
}
