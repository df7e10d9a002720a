// The composer's draft is kept per room: it survives a reload, does not follow you
// to another room, and is gone once sent.
import assert from 'node:assert/strict';
import {
  composer, createRoom, openRoomFromSidebar, suite, texts, unique, until,
} from './lib/browser.mjs';

const s = suite();

// Waits until localStorage holds (or no longer holds) text: the draft is saved.
function stored(page, text, present = true) {
  return until(`the draft ${JSON.stringify(text)} to be ${present ? 'saved in' : 'removed from'} localStorage`,
    () => page.evaluate((t) => Object.values(localStorage).some((v) => String(v).includes(t)), text),
    (has) => has === present);
}

async function reload(page) {
  await page.reload();
  await composer(page).waitFor({ state: 'visible' });
}

function composerReads(page, value, what) {
  return until(`${what}: the composer to read ${JSON.stringify(value)}`, () => composer(page).inputValue(),
    (v) => v === value);
}

s.test('drafts_survive_reload_and_are_per_room', async (t) => {
  const u = await t.user('drafter');
  const page = u.page;
  const roomA = await createRoom(page, unique('drafts-a'));
  const roomB = await createRoom(page, unique('drafts-b'));

  await openRoomFromSidebar(page, roomA);
  const box = composer(page);
  await box.click();
  // Typed as a person types it; Shift+Enter adds a line without sending.
  await box.pressSequentially('draft for A');
  await box.press('Shift+Enter');
  await box.pressSequentially('second line');
  const draftA = 'draft for A\nsecond line';
  assert.equal(await box.inputValue(), draftA, 'Shift+Enter adds a newline and does not send');
  await stored(page, 'second line');
  await reload(page);
  await composerReads(page, draftA, 'room A after a reload');

  await openRoomFromSidebar(page, roomB);
  await composerReads(page, '', 'room B (the draft of A is not carried over)');
  await composer(page).click();
  await composer(page).pressSequentially('draft for B');
  await stored(page, 'draft for B');
  await reload(page);
  await composerReads(page, 'draft for B', 'room B after a reload');

  await openRoomFromSidebar(page, roomA);
  await composerReads(page, draftA, 'back in room A');

  // Sending the draft clears it, in this room only.
  await composer(page).press('Enter');
  await until('the draft of A to be sent as a message', () => texts(page),
    (ts) => ts.some((x) => x.includes('draft for A') && x.includes('second line')));
  await composerReads(page, '', 'room A once sent');
  await stored(page, 'second line', false);
  await reload(page);
  await composerReads(page, '', 'room A once sent, after a reload');
  await openRoomFromSidebar(page, roomB);
  await composerReads(page, 'draft for B', 'room B still');
});
