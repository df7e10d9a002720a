// Private rooms in the browser: alice makes one in the new-room dialog and copies
// an invite link; bob opens it and is in; the link works once, so carol is refused
// with a page that says why.
import assert from 'node:assert/strict';
import {
  createRoom, roomName, sendMessage, suite, unique, until, waitForTexts,
} from './lib/browser.mjs';

const s = suite();

s.test('private_room_invite_link_lets_one_person_in', async (t) => {
  const alice = await t.user('alice', { permissions: ['clipboard-read', 'clipboard-write'] });
  const bob = await t.user('bob');
  const carol = await t.user('carol');
  const name = unique('secret');
  const roomId = await createRoom(alice.page, name, 'private');
  await sendMessage(alice.page, 'welcome to the private room');

  // Not a member, not invited: the room does not exist for bob (nor for carol).
  t.allowConsole(/status of 404/);
  const refused = await bob.page.goto(`${t.url}/rooms/${roomId}`);
  assert.equal(refused.status(), 404, 'a private room is hidden from non-members');
  assert.equal(await bob.page.locator(`nav#sidebar a.room-link[data-room="${roomId}"]`).count(), 0);

  // Alice makes a link and copies it.
  const panel = alice.page.locator('#invite-panel');
  assert.equal(await panel.isVisible(), false, '#invite-panel is hidden until asked for');
  await alice.page.locator('button#invite').click();
  await panel.waitFor({ state: 'visible' });
  const field = alice.page.locator('input#invite-link');
  const link = await until('input#invite-link to hold a link', () => field.inputValue(),
    (v) => /\/invite\/[^/]+$/.test(v));
  // An absolute URL on the server's BASE_URL: here http://localhost:PORT, while the
  // pages (and their cookies) are on 127.0.0.1, so the tests open its path on t.url.
  assert.match(link, /^https?:\/\/[^/]+\/invite\/[A-Za-z0-9_-]+$/, 'an absolute invite URL');
  await alice.page.locator('button#invite-copy').click();
  await until('the copy button to say it copied', () => alice.page.locator('button#invite-copy').innerText(),
    (v) => v === 'Copied');
  const copied = await alice.page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, link, 'the clipboard holds the link');

  const invite = t.url + new URL(copied).pathname;

  // Bob opens it: he is in the room, sees it in his sidebar and can talk.
  await bob.page.goto(invite);
  await until('bob to land in the room', () => new URL(bob.page.url()).pathname, (p) => p === `/rooms/${roomId}`);
  assert.equal(await roomName(bob.page), name);
  assert.equal(await bob.page.evaluate(() => document.getElementById('room').dataset.member), 'true',
    'bob is a member');
  await waitForTexts(bob.page, ['welcome to the private room']);
  assert.equal(await bob.page.locator(`nav#sidebar a.room-link[data-room="${roomId}"]`).count(), 1,
    'the room is in bob\'s sidebar');
  await sendMessage(bob.page, 'thanks for the invite');
  await waitForTexts(alice.page, ['thanks for the invite']);
  // Alice's members panel has him.
  await until('bob in alice\'s members panel',
    () => alice.page.locator(`aside#members li[data-user="${bob.id}"]`).count(), (n) => n === 1);

  // The link is used up: carol gets a page that says so, and stays out.
  const used = await carol.page.goto(invite);
  assert.ok(used.status() >= 400 && used.status() < 500, `a used invite is refused (${used.status()})`);
  assert.equal((await carol.page.locator('main h1').innerText()).trim(), 'This invite does not work');
  assert.match(await carol.page.locator('main').innerText(), /Ask for a new link/);
  assert.equal(new URL(carol.page.url()).pathname, new URL(copied).pathname, 'carol stays on the invite page');
  const stillOut = await carol.page.goto(`${t.url}/rooms/${roomId}`);
  assert.equal(stillOut.status(), 404, 'carol is not in the room');
});
