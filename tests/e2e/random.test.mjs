// The random-chat page (/random): two strangers find each other, talk live both ways
// (typing, seen receipts), one leaves and the other is told; and canceling a search
// really leaves the queue.
import assert from 'node:assert/strict';
import {
  api, apiGuest, assertExactly, composer, confirmClosed, confirmShown, roomName, sendMessage, suite, until,
  waitForTexts,
} from './lib/browser.mjs';

// One server for the file, and the queue is server-wide: each test leaves nobody
// waiting behind it.
const s = suite();

async function openLobby(page, baseUrl) {
  await page.goto(`${baseUrl}/random`);
  await page.locator('#random-idle button#find').waitFor({ state: 'visible' });
}

// Clicks a button whose form the page's script posts to `path`; returns the answer's
// text, or null when there is none to read (204, or the page moved on to the chat).
async function clickAndAnswer(page, selector, path) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST'),
    page.locator(selector).click(),
  ]);
  assert.ok(res.ok(), `POST ${path}: status ${res.status()}`);
  return res.status() === 204 ? null : res.text().catch(() => null);
}

// Waits until the page shows a random chat (the room, its composer) and returns the room id.
async function waitForChat(page, who) {
  await until(`${who}'s page to show the random chat`, () =>
    page.evaluate(() => {
      const r = document.querySelector('main#room[data-kind="random"]');
      return r && document.querySelector('form#composer textarea[name=text]') ? r.dataset.room : null;
    }));
  assert.equal(new URL(page.url()).pathname, '/random', `${who}: the chat is shown at /random`);
  return page.evaluate(() => document.querySelector('main#room').dataset.room);
}

async function markPage(page) {
  await page.evaluate(() => {
    window.__parleyNoReload = true;
  });
}
async function assertNotReloaded(page, who) {
  assert.equal(await page.evaluate(() => window.__parleyNoReload === true), true,
    `${who}'s page was reloaded: the update must arrive live`);
}

s.test('two_strangers_are_matched_chat_both_ways_and_one_leaves', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  await openLobby(alice.page, t.url);
  await openLobby(bob.page, t.url);
  assert.ok(await alice.page.locator('nav#sidebar a#random-link[aria-current=page]').isVisible(),
    'the sidebar links to the random chat, marked as the open page');

  // Alice waits first: her match must reach her live, over her page's stream.
  assert.equal(await clickAndAnswer(alice.page, 'button#find', '/random/find'), 'waiting');
  await alice.page.locator('#random-waiting').waitFor({ state: 'visible' });
  assert.match(await alice.page.locator('#random-status').innerText(), /Looking for someone/);
  assert.ok(await alice.page.locator('button#cancel').isVisible(), 'waiting offers Cancel');
  await t.screenshot(alice.page, 'alice-waiting');

  // Bob is matched at once (his page moves on to the chat).
  assert.notEqual(await clickAndAnswer(bob.page, 'button#find', '/random/find'), 'waiting');
  const roomA = await waitForChat(alice.page, 'alice');
  const roomB = await waitForChat(bob.page, 'bob');
  assert.equal(roomA, roomB, 'both are in the same room');
  assert.equal(await roomName(alice.page), bob.name, 'alice sees who she is talking to');
  assert.equal(await roomName(bob.page), alice.name, 'bob sees who he is talking to');
  await markPage(alice.page);
  await markPage(bob.page);

  await sendMessage(alice.page, 'hello stranger');
  await waitForTexts(bob.page, ['hello stranger'], 'bob to see alice\'s message');

  // Bob types: alice sees it; then he sends.
  await composer(bob.page).fill('hi there!');
  await until('alice to see that bob is typing', () => alice.page.locator('#typing').innerText(),
    (x) => x.includes(`${bob.name} is typing`));
  await composer(bob.page).press('Enter');
  await waitForTexts(alice.page, ['hi there!'], 'alice to see bob\'s reply');
  await waitForTexts(bob.page, ['hi there!'], 'bob to see his own reply');

  for (const who of [alice, bob]) await assertExactly(who.page, ['hello stranger', 'hi there!'], who.name);
  // Each has read the other's message: "Seen" under each own message.
  await alice.page.locator('#messages article.msg.own .seen').waitFor({ state: 'visible' });
  await bob.page.locator('#messages article.msg.own .seen').waitFor({ state: 'visible' });
  await t.screenshot(bob.page, 'bob-matched');

  // Leaving asks first; Cancel (which has the focus) keeps the chat.
  await alice.page.locator('header#topbar button#leave').click();
  const asked = await confirmShown(alice.page, 'Leave to ask before ending the chat');
  assert.match(asked.title, /end this chat/i);
  assert.match(asked.text, /both of you/);
  assert.equal(asked.focus, 'cancel', 'Cancel has the focus: Enter keeps the chat');
  await alice.page.keyboard.press('Enter');
  await confirmClosed(alice.page);
  await sendMessage(bob.page, 'still here?');
  for (const who of [alice, bob]) {
    await waitForTexts(who.page, ['still here?'], `${who.name}: the chat goes on after Cancel`);
  }
  assert.ok(await alice.page.locator('header#topbar button#leave').isVisible(), 'Cancel stays in the chat');

  // Alice leaves: she is back in the lobby, and the chat ends for bob, live.
  await alice.page.locator('header#topbar button#leave').click();
  await confirmShown(alice.page, 'Leave to ask again');
  await alice.page.locator('dialog#confirm-dialog #confirm-ok').click();
  await alice.page.locator('#random-idle .random-note').waitFor({ state: 'visible' });
  assert.match(await alice.page.locator('.random-note').innerText(), /You left the chat/);
  assert.equal(new URL(alice.page.url()).pathname, '/random');
  await bob.page.locator('#chat-ended').waitFor({ state: 'visible' });
  assert.match(await bob.page.locator('#chat-ended').innerText(), new RegExp(`${alice.name} left`));
  assert.ok(await bob.page.locator('button#find-again').isVisible(), 'bob is offered "Find someone new"');
  assert.equal(await bob.page.locator('form#composer').isVisible(), false, 'nothing more can be sent');
  await assertNotReloaded(bob.page, 'bob');
  await t.screenshot(bob.page, 'bob-ended');

  // "Find someone new" searches again; alice finds him.
  await bob.page.locator('button#find-again').click();
  await bob.page.locator('#random-waiting').waitFor({ state: 'visible' });
  // Bob's page asks once its stream is open, so alice may be first or second.
  const answer = await clickAndAnswer(alice.page, 'button#find', '/random/find');
  assert.ok(['matched', 'waiting', null].includes(answer), answer);
  const again = await waitForChat(bob.page, 'bob');
  assert.equal(await waitForChat(alice.page, 'alice'), again, 'matched with each other again');
  assert.notEqual(again, roomA, 'in a new room');
  await assertExactly(bob.page, [], 'bob, in the new chat');
});

s.test('canceling_a_search_leaves_the_queue', async (t) => {
  const carol = await t.user('carol');
  const dave = await t.user('dave');
  await openLobby(carol.page, t.url);
  assert.equal(await clickAndAnswer(carol.page, 'button#find', '/random/find'), 'waiting');
  await carol.page.locator('#random-waiting').waitFor({ state: 'visible' });
  await clickAndAnswer(carol.page, 'button#cancel', '/random/cancel');
  await carol.page.locator('#random-idle button#find').waitFor({ state: 'visible' });

  // Had carol still been waiting, dave would be matched with her at once.
  await openLobby(dave.page, t.url);
  assert.equal(await clickAndAnswer(dave.page, 'button#find', '/random/find'), 'waiting');
  // The next one in is matched with dave, not with carol (who came first).
  const eve = await apiGuest(t.url, 'Eve');
  const m = await api(t.url, 'POST', '/api/match', { token: eve.token });
  assert.equal(m.status, 200, m.text);
  assert.equal(m.body.data.status, 'matched');
  assert.equal(m.body.data.peer.id, dave.id, 'eve is matched with dave, the only one waiting');
  await waitForChat(dave.page, 'dave');
  assert.equal(await roomName(dave.page), eve.username);
  assert.ok(await carol.page.locator('#random-idle button#find').isVisible(), 'carol stays in the lobby');
  assert.equal(await carol.page.locator('main#room').count(), 0);
});

s.test('a_reload_while_waiting_keeps_waiting', async (t) => {
  const frank = await t.user('frank');
  await openLobby(frank.page, t.url);
  assert.equal(await clickAndAnswer(frank.page, 'button#find', '/random/find'), 'waiting');
  // The reloaded page asks again (idempotent) once its stream holds the place.
  await Promise.all([
    frank.page.waitForResponse((r) => new URL(r.url()).pathname === '/random/find'),
    frank.page.reload(),
  ]);
  await frank.page.locator('#random-waiting').waitFor({ state: 'visible' });
  const gina = await apiGuest(t.url, 'Gina');
  const m = await api(t.url, 'POST', '/api/match', { token: gina.token });
  assert.equal(m.body.data.status, 'matched', m.text);
  assert.equal(m.body.data.peer.id, frank.id, 'frank is still in the queue after the reload');
  await waitForChat(frank.page, 'frank');
});
