// Writing and reading along: on a phone Enter is a newline (the send button sends);
// the typing indicator names who is typing and clears when they send or stop; a
// delete in the middle of a conversation regroups same-author messages. (Grouping
// also ends after 5 minutes; the server has no clock to move, so that case is left
// untested rather than waited for.)
import assert from 'node:assert/strict';
import {
  assertExactly, composer, confirmShown, createRoom, messages, openRoom, sendMessage, suite, unique,
  until, waitForTexts, WAIT_MS,
} from './lib/browser.mjs';

const s = suite();
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

s.test('enter_on_a_touch_phone_adds_a_newline_and_sends_nothing', async (t) => {
  const phone = await t.user('pocket', PHONE);
  const page = phone.page;
  await createRoom(page, unique('thumbs'));
  assert.deepEqual(await page.evaluate(() => [matchMedia('(pointer: coarse)').matches, matchMedia('(any-pointer: fine)').matches]),
    [true, false], 'the phone context has a touch screen and no fine pointer');

  const box = composer(page);
  await box.tap();
  await page.keyboard.type('first line');
  await page.keyboard.press('Enter');
  await page.keyboard.type('second line');
  assert.equal(await box.inputValue(), 'first line\nsecond line', 'Enter added a newline');
  assert.deepEqual(await messages(page), [], 'Enter sent nothing');

  // The send button sends both lines as one message; had Enter sent "first line",
  // it would be on the page before it.
  await page.locator('form#composer button[type=submit]').tap();
  await until('the composer to clear after tapping send', () => box.inputValue(), (v) => v === '');
  await until('one message holding both lines', () => messages(page),
    (ms) => ms.length === 1 && ms[0].text === 'first line\nsecond line');
});

const typingText = (page) => page.locator('#typing').textContent();

s.test('typing_indicator_names_the_typist_and_clears_on_send_and_after_a_while', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const roomId = await createRoom(alice.page, unique('typing'));
  await openRoom(bob.page, t.url, roomId);
  await sendMessage(bob.page, 'bob is in');
  await waitForTexts(alice.page, ['bob is in']);

  // Bob types: alice is told, bob is not told about himself.
  await composer(bob.page).pressSequentially('hello ali');
  await until('alice: "bob is typing…"', () => typingText(alice.page), (x) => x.trim() === `${bob.name} is typing…`);
  assert.equal((await typingText(bob.page)).trim(), '', 'one\'s own typing is not shown');

  // He sends: the notice goes away with his message.
  await composer(bob.page).press('End');
  await bob.page.keyboard.type('ce');
  await composer(bob.page).press('Enter');
  await waitForTexts(alice.page, ['hello alice']);
  await until('alice: the typing notice to clear once bob sent', () => typingText(alice.page), (x) => x.trim() === '');

  // He types again and stops without sending (nothing says "stopped"): the notice
  // expires by itself within a few seconds.
  await composer(bob.page).pressSequentially('well');
  await until('alice: "bob is typing…" again', () => typingText(alice.page), (x) => x.trim() === `${bob.name} is typing…`);
  const since = Date.now();
  await until('alice: the notice to expire', () => typingText(alice.page), (x) => x.trim() === '',
    6000 + WAIT_MS);
  assert.ok(Date.now() - since > 2000, 'it expired, rather than being cleared at once');
  assert.equal(await composer(bob.page).inputValue(), 'well', 'bob did not send');
});

// [{text, grouped}] of the messages on a page.
const grouping = (page) => page.evaluate(() =>
  [...document.querySelectorAll('#messages article.msg')].map((a) => ({
    text: a.querySelector('.body')?.innerText.trim(), grouped: a.classList.contains('grouped'),
  })));

async function deleteByKeyboard(who, text) {
  await composer(who.page).click();
  await who.page.keyboard.press('ArrowUp');
  for (let i = 0; i < 5; i++) {
    const sel = (await messages(who.page)).find((m) => m.selected);
    if (sel?.text === text) break;
    await who.page.keyboard.press('ArrowUp');
  }
  assert.equal((await messages(who.page)).find((m) => m.selected)?.text, text, `${who.name}: ${text} selected`);
  await who.page.keyboard.press('d');
  await confirmShown(who.page);
  await who.page.keyboard.press('Enter');
}

s.test('a_delete_in_the_middle_regroups_same_author_messages', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const roomId = await createRoom(alice.page, unique('groups'));
  await openRoom(bob.page, t.url, roomId);
  await sendMessage(bob.page, 'B0'); // joins (a system message, which breaks groups)
  await sendMessage(alice.page, 'A1');
  await sendMessage(bob.page, 'B1');
  await sendMessage(alice.page, 'A2');
  const expect = (list) => (g) => JSON.stringify(g) === JSON.stringify(list.map(([text, grouped]) => ({ text, grouped })));
  for (const who of [alice, bob]) {
    await until(`${who.name}: A2 apart from A1 (B1 in between)`, () => grouping(who.page),
      expect([['B0', false], ['A1', false], ['B1', false], ['A2', false]]));
  }

  // Bob deletes B1: A1 and A2 are neighbours now, and one group, on both pages.
  await deleteByKeyboard(bob, 'B1');
  for (const who of [alice, bob]) {
    await until(`${who.name}: A2 grouped under A1 once B1 is gone`, () => grouping(who.page),
      expect([['B0', false], ['A1', false], ['A2', true]]));
  }

  // Alice adds A3 and deletes A1, the head of the group: A2 heads it now.
  await sendMessage(alice.page, 'A3');
  await deleteByKeyboard(alice, 'A1');
  for (const who of [alice, bob]) {
    await until(`${who.name}: A2 heading the group once A1 is gone`, () => grouping(who.page),
      expect([['B0', false], ['A2', false], ['A3', true]]));
    await assertExactly(who.page, ['B0', 'A2', 'A3'], who.name);
  }
});
