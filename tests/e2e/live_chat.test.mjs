// Two people, two browser contexts, one room: messages appear live on both pages,
// HTML typed into a message is shown as text, and the members' online dots follow
// them coming and going.
import assert from 'node:assert/strict';
import {
  apiFetch, assertExactly, createRoom, messageByText, openRoom, openRoomFromSidebar, sendMessage, suite, unique, until,
  waitForTexts,
} from './lib/browser.mjs';

const s = suite();

// Marks a page so that a reload (which would hide a missing live update) is noticed.
async function markPage(page) {
  await page.evaluate(() => {
    window.__parleyNoReload = true;
  });
}
async function assertNotReloaded(page, who) {
  assert.equal(await page.evaluate(() => window.__parleyNoReload === true), true,
    `${who}'s page was reloaded or navigated: the updates must arrive live`);
}

s.test('two_users_chat_live_both_ways', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const room = unique('lounge');
  const roomId = await createRoom(alice.page, room);
  await openRoom(bob.page, t.url, roomId);
  await markPage(alice.page);
  await markPage(bob.page);

  const said = [];
  const turns = [
    [alice, 'hello bob'], [bob, 'hi alice!'], [alice, 'how are you?'],
    [bob, 'fine, thanks'], [bob, 'and you?'], [alice, 'great 🎉'],
  ];
  for (const [who, text] of turns) {
    await sendMessage(who.page, text);
    said.push(text);
    const other = who === alice ? bob : alice;
    await waitForTexts(other.page, [text], `${other.name} to see ${who.name}'s ${JSON.stringify(text)}`);
  }

  for (const who of [alice, bob]) {
    const ms = await assertExactly(who.page, said, who.name);
    // Each message carries its author.
    assert.deepEqual(ms.map((m) => m.author), turns.map(([w]) => w.id), `${who.name}: data-author of each message`);
    const names = (await who.page.locator('#messages article.msg .author').allTextContents()).map((n) => n.trim());
    assert.deepEqual(names, turns.map(([w]) => w.name), `${who.name}: the .author of each message`);
    await assertNotReloaded(who.page, who.name);
  }
  // Bob's second message in a row (within 5 minutes) is grouped with his first;
  // a change of author starts a new group.
  for (const who of [alice, bob]) {
    await until(`${who.name}: bob's "and you?" grouped under "fine, thanks" (class grouped)`,
      () => messageByText(who.page, 'and you?').getAttribute('class'), (c) => /\bgrouped\b/.test(c || ''));
    const cls = await messageByText(who.page, 'great 🎉').getAttribute('class');
    assert.doesNotMatch(cls || '', /\bgrouped\b/, `${who.name}: alice's message after bob's is not grouped`);
  }
});

s.test('html_in_a_message_is_shown_as_text', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const roomId = await createRoom(alice.page, unique('xss'));
  await openRoom(bob.page, t.url, roomId);

  const attacks = [
    '<img src=x onerror=alert(1)>',
    '<script>alert(2)</script>',
    '"><svg onload=alert(3)>',
  ];
  for (const text of attacks) await sendMessage(alice.page, text);
  await waitForTexts(bob.page, attacks, 'the HTML-looking messages');

  for (const who of [alice, bob]) {
    await assertExactly(who.page, attacks, who.name);
    const injected = await who.page.evaluate(() =>
      document.querySelectorAll('#messages img[src="x"], #messages script, #messages svg[onload], #messages [onerror]').length);
    assert.equal(injected, 0, `${who.name}: a message's HTML became elements of the page`);
  }
  // No dialog fired: Session.finish fails the test if one did.
});

s.test('switching_rooms_back_and_forth_keeps_the_app_live', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const first = await createRoom(bob.page, unique('first'));
  const second = await createRoom(bob.page, unique('second'));
  await openRoom(alice.page, t.url, second);
  // Bob goes back and forth through the sidebar, as one does; every page he
  // leaves must let go of its streams (the browser allows 6 connections per host,
  // and keeps recent pages alive in its back/forward cache).
  for (const id of [first, second, first, second, first, second]) await openRoomFromSidebar(bob.page, id);
  await sendMessage(bob.page, 'still here after all that clicking');
  await waitForTexts(alice.page, ['still here after all that clicking']);
  await sendMessage(alice.page, 'and live too');
  await waitForTexts(bob.page, ['and live too']);
  await bob.page.reload();
  await waitForTexts(bob.page, ['still here after all that clicking', 'and live too'], 'bob: after a reload');
});

// The online dot of a member in aside#members: true, false, or null when not listed.
function dotOnline(page, userId) {
  return page.evaluate((id) => {
    const dot = document.querySelector(`#members li[data-user="${CSS.escape(id)}"] .dot`);
    return dot ? dot.classList.contains('online') : null;
  }, userId);
}

s.test('member_dots_turn_online_and_offline_live', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const roomId = await createRoom(alice.page, unique('presence'));
  const joined = await apiFetch(bob.page, 'POST', `/api/rooms/${roomId}/join`);
  assert.equal(joined.status, 204, `bob joins: ${JSON.stringify(joined)}`);

  // Bob leaves the app: no page of his is open, so he has no connection left.
  await bob.page.goto('about:blank');
  await openRoom(alice.page, t.url, roomId);
  await markPage(alice.page);
  await until('alice\'s page to list bob, offline', () => dotOnline(alice.page, bob.id), (v) => v === false);
  assert.equal(await dotOnline(alice.page, alice.id), true, 'alice sees herself online');

  // A page renders its viewer online, even before its own stream has connected.
  const html = await (await bob.context.request.get(`${t.url}/rooms/${roomId}`)).text();
  assert.match(html, new RegExp(`<li data-user="${bob.id}"[^>]*><span class="dot online"`),
    'the room page as served shows its viewer online');

  // From here on the dots must change from the stream, not from reloading the panel.
  const panelLoads = [];
  alice.page.on('request', (r) => {
    if (new URL(r.url()).pathname.endsWith('/members')) panelLoads.push(r.url());
  });
  await openRoom(bob.page, t.url, roomId);
  await until('bob\'s dot to turn online on alice\'s page', () => dotOnline(alice.page, bob.id), (v) => v === true);
  await bob.page.goto('about:blank');
  await until('bob\'s dot to turn offline on alice\'s page', () => dotOnline(alice.page, bob.id), (v) => v === false);
  await openRoom(bob.page, t.url, roomId);
  await until('bob\'s dot to turn online again', () => dotOnline(alice.page, bob.id), (v) => v === true);
  await assertNotReloaded(alice.page, 'alice');
  assert.deepEqual(panelLoads, [], 'the presence changes came over the stream, not by reloading the members panel');
});
