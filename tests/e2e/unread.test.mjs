// Unread messages: a hidden page counts them in its title and favicon and clears
// both when viewed again; the sidebar counts those of the other rooms.
import assert from 'node:assert/strict';
import {
  apiFetch, createRoom, openRoom, openRoomFromSidebar, sendMessage, setHidden, suite, unique, until,
  waitForTexts,
} from './lib/browser.mjs';

const s = suite();

const icon = (page) => page.evaluate(() => document.querySelector('link[rel~="icon"]')?.href ?? null);

s.test('hidden_page_shows_unread_count_in_title_and_favicon', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob', { hideable: true });
  const room = unique('unread');
  const roomId = await createRoom(alice.page, room);
  await openRoom(bob.page, t.url, roomId);
  const page = bob.page;
  const plainTitle = `${room} — parley`;

  // Bob takes part (sending joins the room), then reads alice's answer.
  await sendMessage(page, 'bob is here');
  await sendMessage(alice.page, 'seen while looking');
  await waitForTexts(page, ['seen while looking']);
  assert.equal(await page.title(), plainTitle, 'a visible page has no unread count in its title');
  const plainIcon = await icon(page);
  assert.ok(plainIcon, 'the page has a link[rel=icon]');

  await setHidden(page, true);
  await sendMessage(alice.page, 'unread one');
  await until('bob\'s hidden page title to count 1 unread', () => page.title(), (v) => v === `[1] ${plainTitle}`);
  await sendMessage(alice.page, 'unread two');
  await until('bob\'s hidden page title to count 2 unread', () => page.title(), (v) => v === `[2] ${plainTitle}`);
  const badged = await until('the favicon to change to a badged one', () => icon(page), (v) => v && v !== plainIcon);
  // The badged icon is an image.
  if (badged.startsWith('data:')) {
    assert.match(badged, /^data:image\//, 'the badged favicon is an image');
  } else if (!badged.startsWith('blob:')) {
    const res = await page.request.get(badged);
    assert.equal(res.status(), 200, `GET ${badged}`);
    assert.match(res.headers()['content-type'] || '', /^image\//, `the content-type of ${badged}`);
  }

  await setHidden(page, false);
  await until('the title to clear when the room is viewed', () => page.title(), (v) => v === plainTitle);
  await until('the favicon to go back to the plain one', () => icon(page), (v) => v === plainIcon);

  // Viewed: new messages are read at once.
  await sendMessage(alice.page, 'seen at once');
  await waitForTexts(page, ['seen at once']);
  assert.equal(await page.title(), plainTitle);
  assert.equal(await icon(page), plainIcon);
});

s.test('sidebar_badge_counts_unread_in_other_rooms', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const here = await createRoom(alice.page, unique('here'));
  const elsewhere = await createRoom(alice.page, unique('elsewhere'));
  // Bob is a member of both (the JSON API, as the page's own script would call it).
  await openRoom(bob.page, t.url, here);
  for (const id of [here, elsewhere]) {
    const res = await apiFetch(bob.page, 'POST', `/api/rooms/${id}/join`);
    assert.equal(res.status, 204, `bob joins ${id}: ${JSON.stringify(res)}`);
  }
  await openRoom(bob.page, t.url, here);
  const badge = bob.page.locator(`nav#sidebar a.room-link[data-room="${elsewhere}"] span.badge`);
  const badgeText = async () => ((await badge.count()) === 0 ? '' : ((await badge.textContent()) || '').trim());
  assert.equal(await badgeText(), '', 'no unread badge before any message');

  // alice is in "elsewhere" (she created it last).
  await sendMessage(alice.page, 'over here 1');
  await sendMessage(alice.page, 'over here 2');
  await until('bob\'s sidebar badge for the other room to read 2', badgeText, (v) => v === '2');
  const current = bob.page.locator(`nav#sidebar a.room-link[data-room="${here}"]`);
  assert.equal(await current.getAttribute('aria-current'), 'page', 'the open room\'s link is aria-current=page');

  await openRoomFromSidebar(bob.page, elsewhere);
  await waitForTexts(bob.page, ['over here 1', 'over here 2']);
  await until('the badge to clear once the room is open', badgeText, (v) => v === '');
  assert.equal(
    await bob.page.locator(`nav#sidebar a.room-link[data-room="${elsewhere}"]`).getAttribute('aria-current'), 'page');
});

s.test('unread_counts_only_messages_from_others', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob', { hideable: true });
  const carol = await t.user('carol');
  const room = unique('counted');
  const here = await createRoom(alice.page, unique('here'));
  const elsewhere = await createRoom(alice.page, room);
  await openRoom(bob.page, t.url, here);
  for (const id of [here, elsewhere]) {
    const res = await apiFetch(bob.page, 'POST', `/api/rooms/${id}/join`);
    assert.equal(res.status, 204, `bob joins ${id}: ${JSON.stringify(res)}`);
  }
  await openRoom(bob.page, t.url, here);
  const badge = bob.page.locator(`nav#sidebar a.room-link[data-room="${elsewhere}"] span.badge`);
  const badgeText = async () => ((await badge.textContent()) || '').trim();
  const call = async (who, method, path, body, status = 200) => {
    const res = await apiFetch(who.page, method, path, body);
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res)}`);
    return res.body?.data;
  };
  const postTo = (who, id, text) => call(who, 'POST', `/api/rooms/${id}/messages`, { text }, 201);

  // In the other room: one message from alice, then events that are not new messages
  // (a join, an edit, a reaction, a message deleted again, bob's own message).
  const first = await postTo(alice, elsewhere, 'counted one');
  await until('the badge to count alice\'s message', badgeText, (v) => v === '1');
  await call(carol, 'POST', `/api/rooms/${elsewhere}/join`, undefined, 204);
  await call(alice, 'PATCH', `/api/rooms/${elsewhere}/messages/${first.seq}`, { text: 'counted one, edited' });
  await call(carol, 'POST', `/api/rooms/${elsewhere}/messages/${first.seq}/reactions`, { emoji: '🎉' });
  const gone = await postTo(carol, elsewhere, 'soon deleted');
  await call(carol, 'DELETE', `/api/rooms/${elsewhere}/messages/${gone.seq}`);
  // The next message is the second one counted: every event before it has been seen.
  await postTo(carol, elsewhere, 'counted two');
  await until('the badge to count the two messages from others, nothing else', badgeText, (v) => v === '2');

  // The sidebar as the server renders it counts the same.
  await openRoom(bob.page, t.url, here);
  assert.equal(await badgeText(), '2', 'the rendered badge counts only messages from others');
  await until('the live badge to keep 2 after the snapshot', badgeText, (v) => v === '2');

  // The open room's title while hidden: a join and a reaction are not unread.
  await setHidden(bob.page, true);
  const note = await postTo(alice, here, 'note for the title');
  await until('bob\'s hidden title to count alice\'s message', () => bob.page.title(), (v) => v.startsWith('[1] '));
  await call(carol, 'POST', `/api/rooms/${here}/join`, undefined, 204);
  await call(carol, 'POST', `/api/rooms/${here}/messages/${note.seq}/reactions`, { emoji: '👍' });
  await until('the reaction to reach bob\'s page', () => bob.page.locator('#messages button.reaction').count(),
    (n) => n === 1);
  assert.ok((await bob.page.title()).startsWith('[1] '), `a join and a reaction are not unread: ${await bob.page.title()}`);
  await setHidden(bob.page, false);
  await until('the title to clear once viewed', () => bob.page.title(), (v) => !v.startsWith('['));
});
