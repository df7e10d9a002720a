// A member with unread messages opens the room at the first of them, under a "New
// messages" divider, not at the bottom; the read marker follows what is scrolled
// into view, and clears once the reader reaches the end. A run shorter than a page
// is all there at once; a longer one (a week away) loads page by page as it is
// scrolled, between the first page and the live messages, which the page's stream
// appends from the room's end.
import assert from 'node:assert/strict';
import {
  api, apiFetch, apiGuest, assertExactly, createRoom, inViewport, messages, openRoom, sendMessage, suite, unique, until,
  WAIT_MS,
} from './lib/browser.mjs';

const s = suite();
const label = (prefix, i) => `${prefix} ${String(i).padStart(2, '0')}`;

// Alice makes a room (and another, for the sidebar's badges); bob joins both; a third
// user, `writer`, posts to the first through the API: post(text) returns the seq.
async function twoRoomsAndAWriter(t, label) {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const roomId = await createRoom(alice.page, unique(label));
  const otherId = await createRoom(alice.page, unique('other'));
  for (const id of [roomId, otherId]) {
    const res = await apiFetch(bob.page, 'POST', `/api/rooms/${id}/join`);
    assert.equal(res.status, 204, `bob joins ${id}: ${JSON.stringify(res)}`);
  }
  const writer = await apiGuest(t.url, 'writer');
  const post = async (text) => {
    const res = await api(t.url, 'POST', `/api/rooms/${roomId}/messages`, { token: writer.token, body: { text } });
    assert.equal(res.status, 201, `post ${text}: ${res.text}`);
    return res.body.data.seq;
  };
  return { alice, bob, roomId, otherId, writer, post };
}

s.test('room_opens_at_the_first_unread_message_and_reads_as_scrolled', async (t) => {
  const { bob, roomId, otherId, post } = await twoRoomsAndAWriter(t, 'unread');

  // 15 messages bob has read, then 45 he has not (fewer than a page: 50).
  const old = Array.from({ length: 15 }, (_, i) => label('old', i + 1));
  const fresh = Array.from({ length: 45 }, (_, i) => label('new', i + 1));
  let readUpTo = 0;
  for (const text of old) readUpTo = await post(text);
  const read = await apiFetch(bob.page, 'POST', `/api/rooms/${roomId}/read`, { seq: readUpTo });
  assert.equal(read.status, 204, `bob reads the old ones: ${JSON.stringify(read)}`);
  let lastSeq = 0;
  for (const text of fresh) lastSeq = await post(text);

  const unread = async () => {
    const res = await apiFetch(bob.page, 'GET', '/api/rooms');
    assert.equal(res.status, 200, `GET /api/rooms: ${JSON.stringify(res)}`);
    return res.body.data.find((r) => r.id === roomId)?.unread;
  };
  assert.equal(await unread(), fresh.length, 'bob has 45 unread before opening the room');

  // Bob's first tab shows another room, with the sidebar badge of this one.
  await openRoom(bob.page, t.url, otherId);
  const badge = bob.page.locator(`nav#sidebar a.room-link[data-room="${roomId}"] span.badge`);
  const badgeText = async () => ((await badge.textContent()) || '').trim();
  await until('the sidebar badge to count 45', badgeText, (v) => v === '45');

  // His second tab opens the room.
  const page = await bob.context.newPage();
  await openRoom(page, t.url, roomId);
  const divider = page.locator('#messages #unread-divider');
  assert.equal(await divider.count(), 1, 'one #unread-divider');
  assert.match(await divider.innerText(), /new messages/i);
  const firstNew = page.locator('#messages article.msg').filter({ hasText: label('new', 1) });
  await until('the divider and the first unread message to be in view',
    async () => (await inViewport(page, divider)) && (await inViewport(page, firstNew)));
  await t.screenshot(page, 'opened');
  // The divider sits right before the first unread message.
  assert.equal(await page.evaluate(() =>
    document.getElementById('unread-divider').nextElementSibling?.querySelector('.body')?.innerText.trim()),
  label('new', 1));

  // The page holds a tail of the read ones and all 45 unread, each once, in order,
  // with nothing left to load.
  assert.equal(await page.locator('#newer-sentinel').count(), 0, 'no #newer-sentinel');
  const ms = await messages(page);
  const shown = ms.map((m) => m.text);
  const at = shown.indexOf(label('new', 1));
  assert.ok(at > 0 && at < old.length, `some read messages above the divider for context (${at})`);
  assert.deepEqual(shown, [...old.slice(old.length - at), ...fresh], 'the messages shown, top to bottom');
  assert.ok(ms.every((m, i) => i === 0 || m.seq > ms[i - 1].seq), 'ascending seqs');
  const last = page.locator(`#m-${lastSeq}`);
  assert.equal(await inViewport(page, last), false, 'the room did not open at the bottom');

  // What is in view is read, the rest is not: the marker stops short of the end.
  await until('the marker to move past the messages in view',
    () => page.evaluate(() => Number(document.getElementById('room').dataset.readSeq)), (v) => v > readUpTo);
  assert.ok(Number(await page.evaluate(() => document.getElementById('room').dataset.readSeq)) < lastSeq,
    'the marker does not move to the end on open');
  const left = await until('the server to have the marker in view', unread, (n) => n < fresh.length);
  assert.ok(left > 0, `messages below the view stay unread (${left})`);
  assert.notEqual(await badgeText(), '', 'the other tab still shows the room as unread');

  // Scrolling to the bottom reads the rest.
  const box = await page.locator('#messages').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await until('the newest message to scroll into view', async () => {
    await page.mouse.wheel(0, 1500);
    return inViewport(page, last);
  }, Boolean, 3 * WAIT_MS);
  await until('the server\'s unread count to reach 0', unread, (n) => n === 0);
  await until('the other tab\'s badge to clear', badgeText, (v) => v === '');
  assert.equal(await divider.count(), 1, 'the divider stays where it was until the room is opened again');

  // Scrollback from the window goes up to the start of the room: every read message
  // above the context, once, with nothing missing at the seam.
  await until('the oldest message to load and scroll into view', async () => {
    await page.mouse.wheel(0, -20_000);
    return inViewport(page, page.locator('#messages article.msg').filter({ hasText: label('old', 1) }));
  }, Boolean, 3 * WAIT_MS);
  await assertExactly(page, [...old, ...fresh], 'bob, scrolled back to the start');
});

s.test('a_long_unread_run_loads_page_by_page_under_the_live_tail', async (t) => {
  const N = 180;
  const { alice, bob, roomId, otherId, writer, post } = await twoRoomsAndAWriter(t, 'backlog');
  // 5 messages bob has read, then a week's worth he has not.
  const old = Array.from({ length: 5 }, (_, i) => `old ${i + 1}`);
  const fresh = Array.from({ length: N }, (_, i) => `new ${String(i + 1).padStart(3, '0')}`);
  let readUpTo = 0;
  for (const text of old) readUpTo = await post(text);
  const read = await apiFetch(bob.page, 'POST', `/api/rooms/${roomId}/read`, { seq: readUpTo });
  assert.equal(read.status, 204, `bob reads the old ones: ${JSON.stringify(read)}`);
  const seqOf = new Map();
  for (const text of fresh) seqOf.set(text, await post(text));
  const end = seqOf.get(fresh[N - 1]);

  // Bob's first tab shows another room, with the badge of this one.
  await openRoom(bob.page, t.url, otherId);
  const badge = bob.page.locator(`nav#sidebar a.room-link[data-room="${roomId}"] span.badge`);
  const badgeText = async () => ((await badge.textContent()) || '').trim();
  await until(`the sidebar badge to count ${N}`, badgeText, (v) => v === String(N));

  // His second tab opens the room: at the first unread message, with one page of
  // them, and its stream from the room's end.
  const page = await bob.context.newPage();
  const forward = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === `/rooms/${roomId}/history` && u.searchParams.has('after')) forward.push(u.searchParams);
  });
  await openRoom(page, t.url, roomId);
  const list = page.locator('#messages');
  const divider = page.locator('#messages #unread-divider');
  const firstNew = page.locator('#messages article.msg').filter({ hasText: fresh[0] });
  await until('the divider and the first unread message to be in view',
    async () => (await inViewport(page, divider)) && (await inViewport(page, firstNew)));
  assert.equal(await page.evaluate(() =>
    document.getElementById('unread-divider').nextElementSibling?.querySelector('.body')?.innerText.trim()),
  fresh[0], 'the first unread message right after the divider');
  await t.screenshot(page, 'opened');
  const opened = await messages(page);
  assert.ok(opened.length <= old.length + 50, `one page of unread on the page, not ${N} (${opened.length})`);
  assert.deepEqual(opened.map((m) => m.text), [...old, ...fresh.slice(0, opened.length - old.length)],
    'the read ones, then the first unread ones in order');
  assert.equal(await page.locator('#messages #newer-sentinel').count(), 1, 'a #newer-sentinel below them');
  assert.equal(await page.locator('#live').getAttribute('sse-connect'), `/rooms/${roomId}/events?since=${end}`,
    'the stream starts at the room\'s end');

  // Alice says something while bob reads the backlog: it goes at the end, after the
  // gap, and his view does not move.
  const top = () => list.evaluate((l) => l.scrollTop);
  const before = await top();
  await openRoom(alice.page, t.url, roomId);
  await sendMessage(alice.page, 'live from alice');
  await until('the live message at the end of bob\'s list', () => list.evaluate((l) =>
    l.lastElementChild?.querySelector('.body')?.innerText.trim()), (v) => v === 'live from alice');
  assert.equal(await top(), before, 'bob\'s view stayed where it was');
  assert.ok(await inViewport(page, firstNew), 'the first unread message still in view');
  assert.ok(await page.evaluate(() => {
    const live = document.querySelector('#messages').lastElementChild;
    return Boolean(document.getElementById('newer-sentinel').compareDocumentPosition(live) &
      Node.DOCUMENT_POSITION_FOLLOWING);
  }), 'the live message is after the sentinel');
  const readSeq = () => page.evaluate(() => Number(document.getElementById('room').dataset.readSeq));
  assert.ok(await readSeq() < end, 'nothing in the gap is read yet');
  // A reconnect (resume.js) asks for the sse-connect URL: it resumes after the live
  // tail, not after the loaded window.
  const liveSeq = Number(await list.evaluate((l) => l.lastElementChild.dataset.seq));
  assert.ok(liveSeq > end, `the live message is after the stream's start (${liveSeq})`);
  assert.equal(await page.locator('#live').getAttribute('sse-connect'), `/rooms/${roomId}/events?since=${liveSeq}`,
    'the stream resumes from the live tail');

  // The last 30 of the gap are deleted now: their pages show them as they are now,
  // and the last one shows nothing at all.
  const deleted = fresh.slice(N - 30);
  for (const text of deleted) {
    const res = await api(t.url, 'DELETE', `/api/rooms/${roomId}/messages/${seqOf.get(text)}`, { token: writer.token });
    assert.equal(res.status, 200, `delete ${text}: ${res.text}`);
  }
  const kept = fresh.slice(0, N - 30);

  // Bob jumps to the end while the next page is slow to come: the gap is on screen,
  // above the live message. Another live message does not scroll him on, and the
  // read marker stops before the gap, though the end of the list is in view.
  const held = [];
  const isForward = (u) => u.pathname === `/rooms/${roomId}/history` && u.searchParams.has('after');
  await page.route(isForward, (route) => { held.push(route); });
  await list.evaluate((l) => { l.scrollTop = l.scrollHeight; });
  await until('the sentinel to ask for the next page', () => held.length, (n) => n === 1);
  const gapAt = Number(await page.locator('#newer-sentinel').getAttribute('data-after'));
  await until('the read marker to reach the gap', readSeq, (v) => v === gapAt);
  const atEnd = await top();
  await sendMessage(alice.page, 'second live');
  await until('the second live message at the end of bob\'s list', () => list.evaluate((l) =>
    l.lastElementChild?.querySelector('.body')?.innerText.trim()), (v) => v === 'second live');
  assert.equal(await top(), atEnd, 'bob was not scrolled on while the gap is open');
  assert.equal(await readSeq(), gapAt, 'the marker stays before the gap');
  for (const route of held) await route.continue();
  await page.unroute(isForward);

  // Scrolling down loads the rest a page at a time, in order, up to the live ones.
  // Steps shorter than the list's height: a reader passes through each page.
  const box = await list.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const live = page.locator('#messages article.msg').filter({ hasText: 'live from alice' });
  await until('the gap to close and the list to scroll to its end', async () => {
    await page.mouse.wheel(0, box.height / 2);
    return (await page.locator('#newer-sentinel').count()) === 0 &&
      list.evaluate((l) => l.scrollHeight - l.scrollTop - l.clientHeight < 2);
  }, Boolean, 6 * WAIT_MS);
  assert.ok(await inViewport(page, live), 'the live messages in view');
  const ms = await assertExactly(page, [...old, ...kept, 'live from alice', 'second live'], 'bob, scrolled to the end');
  assert.equal(new Set(ms.map((m) => m.seq)).size, ms.length, 'each message once');
  assert.equal(forward.length, Math.ceil((N - 50) / 50), `the gap came in pages of 50: ${forward.length} requests`);
  assert.equal(await list.getAttribute('aria-busy'), null, 'the list is not left busy');
  assert.ok(forward.every((q) => q.get('until') === String(end)), 'every page stops at the stream\'s start');
  // One author's run stays one group across the pages' seams.
  const ungrouped = await page.evaluate(() => [...document.querySelectorAll('#messages article.msg:not(.grouped)')]
    .map((a) => a.querySelector('.body').innerText.trim()));
  assert.deepEqual(ungrouped, [old[0], fresh[0], 'live from alice'], 'headers only where the author or the run changes');
  assert.equal(await page.locator('#messages #unread-divider').count(), 1, 'one divider');

  // The marker and the badges reach the end.
  const lastSeq = ms[ms.length - 1].seq;
  await until('the read marker to reach the last live message', readSeq, (v) => v === lastSeq);
  await until('the server\'s unread count to reach 0', async () => {
    const res = await apiFetch(page, 'GET', '/api/rooms');
    return res.body.data.find((r) => r.id === roomId)?.unread;
  }, (n) => n === 0);
  await until('the other tab\'s badge to clear', badgeText, (v) => v === '');
});
