// A member with 80 unread messages opens the room at the first of them, under a
// "New messages" divider, not at the bottom; the read marker follows what is
// scrolled into view, and clears once the reader reaches the end.
import assert from 'node:assert/strict';
import {
  api, apiFetch, apiGuest, assertExactly, createRoom, inViewport, messages, openRoom, suite, unique, until, WAIT_MS,
} from './lib/browser.mjs';

const s = suite();
const label = (prefix, i) => `${prefix} ${String(i).padStart(2, '0')}`;

s.test('room_opens_at_the_first_unread_message_and_reads_as_scrolled', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const roomId = await createRoom(alice.page, unique('unread'));
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
  // 15 messages bob has read, then 80 he has not.
  const old = Array.from({ length: 15 }, (_, i) => label('old', i + 1));
  const fresh = Array.from({ length: 80 }, (_, i) => label('new', i + 1));
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
  assert.equal(await unread(), 80, 'bob has 80 unread before opening the room');

  // Bob's first tab shows another room, with the sidebar badge of this one.
  await openRoom(bob.page, t.url, otherId);
  const badge = bob.page.locator(`nav#sidebar a.room-link[data-room="${roomId}"] span.badge`);
  const badgeText = async () => ((await badge.textContent()) || '').trim();
  await until('the sidebar badge to count 80', badgeText, (v) => v === '80');

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

  // The unread ones past the first page come on the stream: then the page holds a
  // tail of the read ones and all 80 unread, each once, in order.
  await until('all 80 unread messages on the page', async () => (await messages(page)).length,
    (n) => n >= fresh.length + 1);
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
  const left = await until('the server to have the marker in view', unread, (n) => n < 80);
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
