// What cannot be undone is asked first (dialog#confirm-dialog): deleting a message,
// by keyboard (d or Delete, then Enter or Escape) and by mouse (the message's delete
// button); leaving a room, with a plain warning when the viewer is its last member,
// whose leaving deletes the room. Also: the mouse's edit button, and the join and
// leave system messages arriving live on another member's page.
import assert from 'node:assert/strict';
import {
  apiFetch, assertExactly, composer, confirmClosed, confirmShown, createRoom, messageByText, messages, openRoom,
  sendMessage, suite, unique, until, waitForTexts,
} from './lib/browser.mjs';

const s = suite();

const selected = async (page) => (await messages(page)).filter((m) => m.selected).map((m) => m.text);
const focusIsIn = (page, sel) => page.evaluate((q) => !!document.activeElement?.closest(q), sel);

s.test('delete_asks_first_by_keyboard_and_by_mouse', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const page = alice.page;
  const roomId = await createRoom(page, unique('careful'));
  await openRoom(bob.page, t.url, roomId);
  for (const text of ['one', 'two', 'three']) await sendMessage(page, text);
  await waitForTexts(bob.page, ['one', 'two', 'three']);

  // Keyboard: d asks; Escape keeps the message, still selected, with the focus on it.
  await composer(page).click();
  await page.keyboard.press('ArrowUp');
  await until('ArrowUp to select "three"', () => selected(page), (s) => s.length === 1 && s[0] === 'three');
  await page.keyboard.press('d');
  const asked = await confirmShown(page, 'd to ask before deleting');
  assert.equal(asked.role, 'alertdialog');
  assert.ok(asked.modal, 'the question is modal');
  assert.match(asked.title, /delete/i);
  assert.equal(asked.focus, 'confirm-ok', 'the Delete button has the focus: Enter deletes');
  await page.keyboard.press('Escape');
  await confirmClosed(page);
  await assertExactly(page, ['one', 'two', 'three'], 'alice after Escape');
  // The dialog's `close` event, which gives the answer, comes a task after it closes.
  await until('"three" to be selected again after Escape', () => selected(page),
    (s) => s.length === 1 && s[0] === 'three');
  const three = `#${(await messages(page))[2].id}`;
  await until('the focus to go back to the message', () => focusIsIn(page, three));

  // The Delete key asks too; Enter deletes, for everyone, and the selection moves on.
  await page.keyboard.press('Delete');
  await confirmShown(page, 'Delete to ask before deleting');
  await page.keyboard.press('Enter');
  await confirmClosed(page);
  for (const who of [alice, bob]) {
    await until(`${who.name}: "three" to be removed`, () => messages(who.page), (ms) => !ms.some((m) => m.text === 'three'));
    await assertExactly(who.page, ['one', 'two'], who.name);
  }
  await until('the selection to move to "two"', () => selected(page), (s) => s.length === 1 && s[0] === 'two');
  await page.keyboard.press('Escape');

  // Mouse: the delete button asks; Cancel keeps the message and gives the focus back.
  const one = messageByText(page, 'one');
  await one.hover();
  await one.locator('button.delete-msg').click();
  const byMouse = await confirmShown(page, 'the delete button to ask first');
  assert.equal(byMouse.focus, 'confirm-ok');
  await page.locator('dialog#confirm-dialog button.cancel').click();
  await confirmClosed(page);
  await assertExactly(page, ['one', 'two'], 'alice after Cancel');
  await until('the focus to go back to the delete button',
    () => page.evaluate(() => document.activeElement?.classList.contains('delete-msg')));
  // A click on the backdrop says no too.
  await one.locator('button.delete-msg').click();
  await confirmShown(page, 'the delete button to ask again');
  await page.mouse.click(5, 5);
  await confirmClosed(page);
  await assertExactly(page, ['one', 'two'], 'alice after a click beside the dialog');
  // The confirm button deletes.
  await one.hover();
  await one.locator('button.delete-msg').click();
  await confirmShown(page, 'the delete button to ask a third time');
  await page.locator('dialog#confirm-dialog #confirm-ok').click();
  for (const who of [alice, bob]) {
    await until(`${who.name}: "one" to be removed`, () => messages(who.page), (ms) => !ms.some((m) => m.text === 'one'));
    await assertExactly(who.page, ['two'], who.name);
  }

  // The mouse's edit button opens the editor; Enter saves, for everyone.
  const two = messageByText(page, 'two');
  await two.hover();
  await two.locator('button.edit-msg').click();
  const editor = two.locator('textarea.edit-input');
  await editor.waitFor({ state: 'visible' });
  assert.equal(await editor.inputValue(), 'two', 'the editor starts with the message');
  await editor.fill('two, edited by mouse');
  await editor.press('Enter');
  for (const who of [alice, bob]) {
    await until(`${who.name}: "two" to read "two, edited by mouse" and be marked edited`, () => messages(who.page),
      (ms) => ms.length === 1 && ms[0].text === 'two, edited by mouse' && ms[0].edited);
  }
  // Bob sees no edit or delete button on alice's message.
  const bobsView = messageByText(bob.page, 'two, edited by mouse');
  await bobsView.hover();
  assert.equal(await bobsView.locator('button.delete-msg').isVisible(), false, 'no delete button on another\'s message');
});

// The members of a room, as its page's session sees them (GET /api/rooms/{id}/members).
async function memberIds(page, roomId) {
  const r = await apiFetch(page, 'GET', `/api/rooms/${encodeURIComponent(roomId)}/members`);
  return r.status === 200 ? r.body.data.map((m) => m.id).sort() : r.status;
}

// The system messages on a page: [{user, action}].
const systemMessages = (page) => page.evaluate(() =>
  [...document.querySelectorAll('#messages p.system')].map((p) => ({ user: p.dataset.user, action: p.dataset.action })));

s.test('leave_asks_first_and_warns_the_last_member', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  // Carol watches the sidebar of her lobby page: public rooms come and go live.
  const carol = await t.user('carol');
  await carol.page.goto(`${t.url}/`);
  await until('carol\'s page stream to be open', () => carol.page.evaluate(() => window.parley.feedOpen === true));
  const carolsLink = (id) => carol.page.locator(`nav#sidebar a.room-link[data-room="${id}"]`);
  const secret = await createRoom(alice.page, unique('secret'), 'private');
  const name = unique('leaving');
  const roomId = await createRoom(alice.page, name);
  await carolsLink(roomId).waitFor({ state: 'attached' });
  assert.equal(await carolsLink(roomId).locator('.name').innerText(), name);
  assert.equal(await carolsLink(secret).count(), 0, 'a private room is never announced to others');
  await openRoom(bob.page, t.url, roomId);
  await Promise.all([
    bob.page.waitForURL((u) => u.pathname === `/rooms/${roomId}`),
    bob.page.locator('header#topbar button#join').click(),
  ]);
  await bob.page.locator('header#topbar button#leave').waitFor({ state: 'visible' });
  // Alice sees bob's join live, as a system message.
  await until('alice: bob\'s join as a live p.system', () => systemMessages(alice.page),
    (ss) => ss.some((x) => x.user === bob.id && x.action === 'joined'));
  await until('both to be members', () => memberIds(alice.page, roomId),
    (ids) => Array.isArray(ids) && ids.length === 2);

  // Bob: Leave asks; no word of deleting (alice stays); Cancel keeps him in.
  const leave = bob.page.locator('header#topbar button#leave');
  await leave.click();
  let q = await confirmShown(bob.page, 'bob: Leave to ask first');
  assert.ok(q.title.includes(name), `the question names the room: ${q.title}`);
  assert.doesNotMatch(`${q.title} ${q.text}`, /delete/i, 'no warning about deleting while others stay');
  await bob.page.locator('dialog#confirm-dialog button.cancel').click();
  await confirmClosed(bob.page);
  assert.equal(new URL(bob.page.url()).pathname, `/rooms/${roomId}`, 'Cancel stays in the room');
  assert.ok((await memberIds(bob.page, roomId)).includes(bob.id), 'Cancel keeps bob a member');
  assert.equal(await leave.isVisible(), true);

  // Confirm: bob leaves; alice sees it live.
  await leave.click();
  await confirmShown(bob.page, 'bob: Leave to ask again');
  await bob.page.locator('dialog#confirm-dialog #confirm-ok').click();
  // "/" shows the newest room he can see: this public one, now as a visitor.
  await bob.page.locator('header#topbar button#join').waitFor({ state: 'visible' });
  await until('alice: bob\'s leaving as a live p.system', () => systemMessages(alice.page),
    (ss) => ss.some((x) => x.user === bob.id && x.action === 'left'));
  assert.deepEqual(await memberIds(alice.page, roomId), [alice.id], 'bob left');

  // Alice, now the last member: the question says leaving deletes the room, and the
  // safe answer has the focus. Keyboard: Escape keeps it.
  const aliceLeave = alice.page.locator('header#topbar button#leave');
  await aliceLeave.focus();
  await alice.page.keyboard.press('Enter');
  q = await confirmShown(alice.page, 'alice: Leave to warn the last member');
  assert.match(q.text, /last member/i);
  assert.match(q.text, /deletes this room and all its messages/i);
  assert.match(q.ok, /delete/i, `the button says it deletes: ${q.ok}`);
  assert.equal(q.focus, 'cancel', 'Cancel has the focus: Enter alone does not delete the room');
  await alice.page.keyboard.press('Escape');
  await confirmClosed(alice.page);
  assert.deepEqual(await memberIds(alice.page, roomId), [alice.id], 'Escape keeps the room');
  await until('the focus to go back to Leave', () => alice.page.evaluate(() => document.activeElement?.id),
    (id) => id === 'leave');

  // Enter, Tab to the confirm button, Enter: the room is gone. From now on its URLs
  // answer 404: alice's visit below, bob's API call, and the members panel of bob's
  // page (still on the room as a visitor), which reloads on alice's leaving.
  t.allowConsole(/status of 404|Response Status Error Code 404/);
  await alice.page.keyboard.press('Enter');
  await confirmShown(alice.page, 'alice: Leave to warn again');
  await alice.page.keyboard.press('Tab');
  await until('Tab to reach the confirm button', () => confirmShown(alice.page), (x) => x.focus === 'confirm-ok');
  await Promise.all([
    alice.page.waitForURL((u) => u.pathname !== `/rooms/${roomId}`),
    alice.page.keyboard.press('Enter'),
  ]);
  assert.equal(await alice.page.locator(`nav#sidebar a.room-link[data-room="${roomId}"]`).count(), 0,
    'the room left alice\'s sidebar');
  const gone = await alice.page.goto(`${t.url}/rooms/${encodeURIComponent(roomId)}`);
  assert.equal(gone.status(), 404, 'the room is deleted');
  assert.equal(await alice.page.locator('#messages').count(), 0, 'no messages are shown for a deleted room');
  const api = await apiFetch(bob.page, 'GET', `/api/rooms/${encodeURIComponent(roomId)}/messages`);
  assert.equal(api.status, 404, `its history is gone: ${JSON.stringify(api)}`);
  // Bob, still on its page as a visitor, is told at once, and offered nothing that
  // can no longer work.
  const notice = bob.page.locator('#messages p#room-deleted');
  await notice.waitFor({ state: 'visible' });
  assert.match(await notice.innerText(), /room was deleted/i);
  assert.equal(await bob.page.locator('form#composer').isVisible(), false, 'no composer');
  assert.equal(await bob.page.locator('header#topbar button#join').isVisible(), false, 'no Join');
  assert.equal(await bob.page.locator(`nav#sidebar a.room-link[data-room="${roomId}"]`).count(), 0,
    'the room left bob\'s sidebar');
  // And carol's sidebar, live.
  await carolsLink(roomId).waitFor({ state: 'detached' });
});
