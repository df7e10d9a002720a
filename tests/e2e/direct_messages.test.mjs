// Direct messages in the browser: alice starts one from the members panel, it turns
// up live in bob's sidebar, both chat live, and "Seen" follows bob's reading.
import assert from 'node:assert/strict';
import {
  apiFetch, assertExactly, createRoom, openRoom, roomIdOf, roomName, sendMessage, suite, unique, until,
  waitForTexts,
} from './lib/browser.mjs';

const s = suite();

// The text of the message .seen sits under, or null.
const seenUnder = (page) => page.evaluate(() =>
  document.querySelector('#messages .seen')?.closest('article.msg')?.querySelector('.body')?.innerText.trim() ?? null);

s.test('dm_from_the_members_panel_is_live_for_both_with_seen', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const roomId = await createRoom(alice.page, unique('lobby'));
  await openRoom(bob.page, t.url, roomId);
  await sendMessage(bob.page, 'bob joins the lobby');

  // Alice's members panel picks bob up; his row has the link to message him.
  const dmLink = alice.page.locator(`aside#members li[data-user="${bob.id}"] a.dm-link`);
  await until('bob in alice\'s members panel with a.dm-link', () => dmLink.count(), (n) => n === 1);
  const bobDms = bob.page.locator('nav#sidebar ul#dm-list a.room-link.dm');
  assert.equal(await bobDms.count(), 0, 'bob has no direct rooms yet');

  // The link offers to start the conversation (a GET creates nothing) ...
  await Promise.all([alice.page.waitForURL((u) => u.pathname === `/dm/${bob.id}`), dmLink.click()]);
  const start = alice.page.locator('form#start-dm');
  await start.waitFor({ state: 'visible' });
  const bobsRooms = await apiFetch(bob.page, 'GET', '/api/rooms');
  assert.ok(!bobsRooms.body.data.some((r) => r.kind === 'direct'), 'opening /dm/{id} made no room');
  // ... and the button starts it.
  await Promise.all([
    alice.page.waitForURL((u) => u.pathname.startsWith('/rooms/')),
    start.locator('button[type=submit]').click(),
  ]);
  await alice.page.locator('form#composer textarea[name=text]').waitFor({ state: 'visible' });
  const dmId = roomIdOf(alice.page);
  assert.equal(await roomName(alice.page), bob.name, 'the DM is named after the other person');
  assert.equal(await alice.page.evaluate(() => document.getElementById('room').dataset.kind), 'direct');

  // Her first message brings the conversation into bob's sidebar, live, with a badge.
  await sendMessage(alice.page, 'hi bob, alice here');
  const bobLink = bob.page.locator(`nav#sidebar ul#dm-list a.room-link.dm[data-room="${dmId}"]`);
  await until('the DM to appear in bob\'s ul#dm-list', () => bobLink.count(), (n) => n === 1);
  assert.equal((await bobLink.locator('.name').innerText()).trim(), alice.name, 'named after alice');
  await until('the DM\'s badge to count 1', async () => (await bobLink.locator('.badge').innerText()).trim(),
    (v) => v === '1');
  assert.equal(await seenUnder(alice.page), null, 'not seen before bob opens it');

  // Bob opens it: he reads alice's message, and her page says so.
  await Promise.all([bob.page.waitForURL((u) => u.pathname === `/rooms/${dmId}`), bobLink.click()]);
  await waitForTexts(bob.page, ['hi bob, alice here']);
  await until('"Seen" under alice\'s message', () => seenUnder(alice.page), (v) => v === 'hi bob, alice here');

  // Both chat live; "Seen" moves to her newest message bob has read.
  await sendMessage(bob.page, 'hello alice');
  await waitForTexts(alice.page, ['hello alice']);
  await sendMessage(alice.page, 'how are you?');
  await waitForTexts(bob.page, ['how are you?']);
  await until('"Seen" to move under alice\'s newest message', () => seenUnder(alice.page),
    (v) => v === 'how are you?');
  assert.equal(await alice.page.locator('#messages .seen').count(), 1, 'one "Seen"');
  // Bob sees no "Seen" under his own message until alice's page has read it; it has.
  await until('"Seen" under bob\'s message on his page', () => seenUnder(bob.page), (v) => v === 'hello alice');

  const said = ['hi bob, alice here', 'hello alice', 'how are you?'];
  for (const who of [alice, bob]) await assertExactly(who.page, said, who.name);

  // From now on the link from either side opens the same room straight away.
  await bob.page.goto(`${t.url}/dm/${alice.id}`);
  await until('bob\'s /dm/{alice} to open the DM', () => new URL(bob.page.url()).pathname, (p) => p === `/rooms/${dmId}`);
  await alice.page.goto(`${t.url}/dm/${bob.id}`);
  await until('alice\'s /dm/{bob} to open the DM', () => new URL(alice.page.url()).pathname,
    (p) => p === `/rooms/${dmId}`);
});
