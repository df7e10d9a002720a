// Edits, deletes and reactions made on one page appear on the other; the keyboard
// shortcuts act on one's own messages only; a visitor who has not joined is offered
// none of these actions, and an action that fails says why.
import assert from 'node:assert/strict';
import {
  assertExactly, composer, confirmClosed, confirmShown, createRoom, messageByText, messages, openRoom, sendMessage,
  suite, unique, until, waitForTexts,
} from './lib/browser.mjs';

const s = suite();

// The selected messages (article.msg.selected) on a page.
async function selection(page) {
  return (await messages(page)).filter((m) => m.selected);
}

// Presses key (on whatever has the focus, as a person would) and waits until exactly
// one message is selected and it reads `text`.
async function selectWith(page, key, text, who) {
  await page.keyboard.press(key);
  const sel = await until(`${who}: ${key} to select ${JSON.stringify(text)} (article.msg.selected)`,
    () => selection(page), (s) => s.length === 1 && s[0].text === text);
  return sel[0];
}

// From an empty, focused composer.
async function focusEmptyComposer(page) {
  const box = composer(page);
  await box.click();
  assert.equal(await box.inputValue(), '', 'the composer is empty');
}

s.test('edit_delete_and_reaction_appear_on_the_other_page', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const roomId = await createRoom(alice.page, unique('actions'));
  await openRoom(bob.page, t.url, roomId);
  await sendMessage(bob.page, 'bob is here'); // sending joins the room
  for (const text of ['first', 'second', 'third']) await sendMessage(alice.page, text);
  await waitForTexts(bob.page, ['first', 'second', 'third']);

  // Alice edits "third": ArrowUp selects her last message, e opens the editor.
  await focusEmptyComposer(alice.page);
  const third = await selectWith(alice.page, 'ArrowUp', 'third', 'alice');
  await alice.page.keyboard.press('e');
  const editor = alice.page.locator(`#m-${third.seq} textarea.edit-input`);
  await editor.waitFor({ state: 'visible' });
  await editor.fill('third, edited');
  await editor.press('Enter');
  for (const who of [alice, bob]) {
    await until(`${who.name}: "third" to read "third, edited" and be marked .edited`,
      () => messages(who.page), (ms) => ms.some((m) => m.text === 'third, edited' && m.edited));
  }
  assert.equal(await alice.page.locator('textarea.edit-input').count(), 0, 'the editor closes after saving');

  // Alice deletes "second": ArrowUp twice, then d.
  await focusEmptyComposer(alice.page);
  await selectWith(alice.page, 'ArrowUp', 'third, edited', 'alice');
  await selectWith(alice.page, 'ArrowUp', 'second', 'alice');
  await alice.page.keyboard.press('d');
  await confirmShown(alice.page, 'alice: d to ask before deleting');
  await alice.page.keyboard.press('Enter');
  await confirmClosed(alice.page);
  for (const who of [alice, bob]) {
    await until(`${who.name}: "second" to be removed`, () => messages(who.page),
      (ms) => !ms.some((m) => m.text === 'second'));
    await assertExactly(who.page, ['bob is here', 'first', 'third, edited'], who.name);
  }
  assert.equal(await composer(alice.page).inputValue(), '', 'the shortcut keys are not typed into the composer');

  // Bob reacts to "first" with the picker; Alice sees it, then adds hers.
  const bobsFirst = messageByText(bob.page, 'first');
  await bobsFirst.hover();
  await bobsFirst.locator('button.react').click();
  const choice = bob.page.locator('.emoji-picker button[data-emoji]').filter({ visible: true }).first();
  await choice.waitFor({ state: 'visible' });
  const emoji = await choice.getAttribute('data-emoji');
  assert.ok(emoji, 'the picker\'s buttons carry data-emoji');
  await choice.click();

  const reaction = (page) => messageByText(page, 'first').locator(`.reactions button.reaction[data-emoji="${emoji}"]`);
  const state = async (page) => {
    const r = reaction(page);
    if ((await r.count()) !== 1) return null;
    return {
      count: (await r.locator('span.count').textContent())?.trim(),
      mine: /\bmine\b/.test((await r.getAttribute('class')) || ''),
      title: (await r.getAttribute('title')) || '',
      text: (await r.textContent()) || '',
    };
  };
  const aliceSees = await until(`alice to see bob's ${emoji} on "first" with count 1`,
    () => state(alice.page), (r) => r?.count === '1');
  assert.equal(aliceSees.mine, false, 'bob\'s reaction is not .mine on alice\'s page');
  assert.ok(aliceSees.title.includes(bob.name), `the reaction's title lists who reacted: ${aliceSees.title}`);
  assert.ok(aliceSees.text.includes(emoji), 'the reaction button shows the emoji');
  await until(`bob to see his own ${emoji} as .mine`, () => state(bob.page), (r) => r?.count === '1' && r.mine);

  await reaction(alice.page).click();
  await until(`bob to see the ${emoji} count go to 2`, () => state(bob.page), (r) => r?.count === '2' && r.mine);
  const both = await until('alice to see count 2 and .mine', () => state(alice.page), (r) => r?.count === '2' && r.mine);
  assert.ok(both.title.includes(alice.name) && both.title.includes(bob.name), `title lists both: ${both.title}`);

  // Bob takes his back.
  await reaction(bob.page).click();
  await until(`alice to see the ${emoji} count back at 1, still hers`, () => state(alice.page),
    (r) => r?.count === '1' && r.mine);
  await until(`bob to see count 1, not his`, () => state(bob.page), (r) => r?.count === '1' && !r.mine);
});

s.test('keyboard_edit_and_delete_only_on_own_messages', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const roomId = await createRoom(alice.page, unique('keys'));
  await openRoom(bob.page, t.url, roomId);
  const all = ['A1', 'B1', 'A2', 'B2'];
  for (const text of all) {
    await sendMessage(text.startsWith('A') ? alice.page : bob.page, text);
    await waitForTexts(text.startsWith('A') ? bob.page : alice.page, [text]);
  }

  // On alice's page the arrows walk over her messages only.
  await focusEmptyComposer(alice.page);
  let sel = await selectWith(alice.page, 'ArrowUp', 'A2', 'alice (skipping bob\'s B2)');
  assert.equal(sel.author, alice.id);
  sel = await selectWith(alice.page, 'ArrowUp', 'A1', 'alice (skipping bob\'s B1)');
  assert.equal(sel.author, alice.id);
  // Nothing older of hers: the selection stays on her own messages.
  await alice.page.keyboard.press('ArrowUp');
  const top = await selection(alice.page);
  assert.ok(top.length <= 1 && top.every((m) => m.author === alice.id),
    `ArrowUp past her oldest message must not select someone else's: ${JSON.stringify(top)}`);
  await focusEmptyComposer(alice.page);
  await selectWith(alice.page, 'ArrowUp', 'A2', 'alice');
  await selectWith(alice.page, 'ArrowUp', 'A1', 'alice');
  const a2sel = await selectWith(alice.page, 'ArrowDown', 'A2', 'alice (ArrowDown skipping B1)');

  // e opens the editor in A2; Escape cancels and leaves A2 as it was.
  await alice.page.keyboard.press('e');
  const editor = alice.page.locator(`#m-${a2sel.seq} textarea.edit-input`);
  await editor.waitFor({ state: 'visible' });
  await editor.fill('A2 (discarded)');
  await editor.press('Escape');
  await until('alice: Escape to close the editor', () => alice.page.locator('textarea.edit-input').count(), (n) => n === 0);
  const a2 = (await messages(alice.page)).find((m) => m.text === 'A2');
  assert.ok(a2 && !a2.edited, 'after Escape, A2 reads "A2" and is not marked edited');

  // Bob's page: his own messages only, and his delete removes B2 everywhere.
  await focusEmptyComposer(bob.page);
  sel = await selectWith(bob.page, 'ArrowUp', 'B2', 'bob');
  assert.equal(sel.author, bob.id);
  await bob.page.keyboard.press('ArrowUp');
  sel = (await until('bob: ArrowUp to select B1 (skipping alice\'s A2)', () => selection(bob.page),
    (ss) => ss.length === 1 && ss[0].text !== 'B2'))[0];
  assert.equal(sel.text, 'B1', 'ArrowUp from B2 goes to bob\'s B1, not alice\'s A2');
  await selectWith(bob.page, 'ArrowDown', 'B2', 'bob');
  await bob.page.keyboard.press('d');
  await confirmShown(bob.page, 'bob: d to ask before deleting');
  await bob.page.keyboard.press('Enter');
  for (const who of [alice, bob]) {
    await until(`${who.name}: B2 to be removed`, () => messages(who.page), (ms) => !ms.some((m) => m.text === 'B2'));
    await assertExactly(who.page, ['A1', 'B1', 'A2'], who.name);
  }

  // Then alice edits A2 for real; bob's messages were never touched by her keys.
  await focusEmptyComposer(alice.page);
  await selectWith(alice.page, 'ArrowUp', 'A2', 'alice');
  await alice.page.keyboard.press('e');
  await editor.waitFor({ state: 'visible' });
  await editor.fill('A2 fixed');
  await editor.press('Enter');
  for (const who of [alice, bob]) {
    await until(`${who.name}: A2 to read "A2 fixed", edited`, () => messages(who.page),
      (ms) => ms.some((m) => m.text === 'A2 fixed' && m.edited));
    const ms = await assertExactly(who.page, ['A1', 'B1', 'A2 fixed'], who.name);
    assert.equal(ms.find((m) => m.text === 'B1').edited, false, `${who.name}: B1 was not edited`);
  }
  for (const who of [alice, bob]) {
    assert.equal(await composer(who.page).inputValue(), '', `${who.name}: no shortcut key ended up in the composer`);
  }
});

s.test('a_visitor_of_a_public_room_is_offered_no_message_actions', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const roomId = await createRoom(alice.page, unique('visited'));
  await sendMessage(alice.page, 'read me');
  const mine = messageByText(alice.page, 'read me');
  await mine.hover();
  await mine.locator('button.react').click();
  await alice.page.locator('.emoji-picker button[data-emoji="👍"]').click();
  await until('alice\'s reaction to show', () => mine.locator('button.reaction').count(), (n) => n === 1);

  // Bob opens the public room without joining: he reads it, he does not act on it.
  await openRoom(bob.page, t.url, roomId);
  assert.equal(await bob.page.locator('main#room').getAttribute('data-member'), 'false');
  const msg = messageByText(bob.page, 'read me');
  await msg.hover();
  for (const sel of ['button.react', 'button.edit-msg', 'button.delete-msg']) {
    assert.equal(await msg.locator(sel).isVisible(), false, `a visitor is not offered ${sel}`);
  }
  const pill = msg.locator('button.reaction');
  await until('the reaction pill to be disabled for a visitor', () => pill.isDisabled());

  // Joining (the button in the top bar) makes him a member who may react.
  await bob.page.locator('button#join').click();
  await until('bob to be a member after joining', () => bob.page.locator('main#room').getAttribute('data-member'),
    (v) => v === 'true');
  const joined = messageByText(bob.page, 'read me');
  await joined.hover();
  await until('a member to be offered button.react', () => joined.locator('button.react').isVisible());
  await until('the pill to be enabled for a member', () => joined.locator('button.reaction').isEnabled());
});

s.test('a_failed_request_shows_a_polite_error', async (t) => {
  const alice = await t.user('alice');
  await createRoom(alice.page, unique('failing'));
  await sendMessage(alice.page, 'react to me');
  const page = alice.page;
  const toast = page.locator('#toast[role=status]');
  const toastText = async () => ((await toast.isVisible()) ? toast.textContent() : null);
  assert.equal(await toast.isVisible(), false, 'no error shown before anything failed');

  // The server refuses a reaction (as it would a stale page's): the page says why.
  t.allowConsole(/status of 403/);
  await page.route('**/react', (route) => route.fulfill({ status: 403, contentType: 'text/plain', body: 'not a member of this room' }));
  const msg = messageByText(page, 'react to me');
  await msg.hover();
  await msg.locator('button.react').click();
  await page.locator('.emoji-picker button[data-emoji="🎉"]').click();
  await until('the toast to say why the reaction failed', toastText,
    (v) => typeof v === 'string' && v.includes('Could not react') && v.includes('not a member of this room'));
  await page.keyboard.press('Escape');
  await until('Escape to dismiss the toast', async () => !(await toast.isVisible()));

  // An htmx request of the page (the members panel) that fails says so too.
  t.allowConsole(/status of 500|Response Status Error Code 500/); // the browser's and htmx's own log lines
  await page.route('**/members', (route) => route.fulfill({ status: 500, contentType: 'text/plain', body: 'try again later' }));
  await page.evaluate(() => window.htmx.trigger('#members', 'parley-members'));
  await until('the toast to report the failed htmx request', toastText,
    (v) => typeof v === 'string' && v.includes('try again later'));
});
