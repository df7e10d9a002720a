// The layout on a phone (390×844, touch): the room fills the screen, the sidebar
// slides in from the menu button (which carries the other rooms' unread count; the
// closed sidebar is out of the tab order), the members panel from its own button,
// and one can chat with taps only.
import assert from 'node:assert/strict';
import {
  apiFetch, composer, createRoom, inViewport, openRoom, openRoomFromSidebar, sendMessage, suite, unique, until, waitForTexts,
} from './lib/browser.mjs';

const s = suite();
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

const sidebarOpen = (page) => page.evaluate(() => document.body.classList.contains('sidebar-open'));

async function sidebarShown(page) {
  const nav = page.locator('nav#sidebar');
  return (await nav.isVisible()) && (await inViewport(page, nav));
}

// Nothing sticks out sideways: no horizontal scrolling.
async function assertFitsWidth(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `${what}: the page is ${width} px wide, more than the 390 px screen`);
}

// Wholly inside the screen (once any slide-in has finished).
function assertOnScreen(page, locator, what) {
  return until(`${what} to lie inside the 390×844 screen`, () => locator.boundingBox(),
    (box) => box && box.x >= -0.5 && box.y >= -0.5 && box.x + box.width <= 390.5 && box.y + box.height <= 844.5);
}

s.test('mobile_layout_works_at_390x844', async (t) => {
  const phone = await t.user('pocket', PHONE);
  const bob = await t.user('bob');
  const page = phone.page;
  const room = unique('mobile');
  const roomId = await createRoom(page, room); // through the menu: the sidebar is hidden
  await openRoom(bob.page, t.url, roomId);

  // The room, full width; the sidebar tucked away behind the menu button.
  await until('the sidebar to be closed on the room page', async () => !(await sidebarOpen(page)) && !(await sidebarShown(page)));
  await assertOnScreen(page, page.locator('button#menu-toggle'), 'button#menu-toggle');
  await assertOnScreen(page, page.locator('h1#room-name'), 'the room name');
  await assertOnScreen(page, composer(page), 'the composer');
  const send = page.locator('form#composer button[type=submit]');
  await assertOnScreen(page, send, 'the send button of the composer');
  const list = await page.locator('section#messages').boundingBox();
  assert.ok(list && list.width >= 360, `#messages uses the screen's width: ${JSON.stringify(list)}`);
  await assertFitsWidth(page, 'the room');

  // Chat with taps: type, tap send; bob's answer arrives live.
  await composer(page).tap();
  await composer(page).fill('sent from a phone');
  await send.tap();
  await waitForTexts(page, ['sent from a phone']);
  await until('the composer to clear', () => composer(page).inputValue(), (v) => v === '');
  await waitForTexts(bob.page, ['sent from a phone']);
  await sendMessage(bob.page, 'a long answer from a desktop, long enough to need more than one line on a phone screen');
  await waitForTexts(page, ['a long answer from a desktop, long enough to need more than one line on a phone screen']);
  await assertFitsWidth(page, 'with a long message');
  const last = page.locator('#messages article.msg').last();
  await until('the newest message to be in view', () => inViewport(page, last));

  // The menu button opens the sidebar over the room; the room's link takes you back.
  await page.locator('button#menu-toggle').tap();
  await until('body.sidebar-open after tapping the menu', () => sidebarOpen(page));
  const link = page.locator(`nav#sidebar a.room-link[data-room="${roomId}"]`);
  await assertOnScreen(page, link, 'the room link in the open sidebar');
  await link.tap();
  await until('the sidebar to close after choosing the room', async () =>
    !(await sidebarOpen(page)) && !(await sidebarShown(page)));
  await composer(page).waitFor({ state: 'visible' });
  await assertFitsWidth(page, 'back in the room');
});

s.test('desktop_layout_shows_the_sidebar_without_a_menu_button', async (t) => {
  const u = await t.user('desk');
  const page = u.page;
  await createRoom(page, unique('desk'));
  assert.equal(await page.locator('button#menu-toggle').isVisible(), false, 'no menu button above 480 px');
  assert.equal(await page.locator('button#members-toggle').isVisible(), false, 'no members button above 480 px');
  assert.ok(await inViewport(page, page.locator('aside#members')), 'the members panel is shown beside the room');
  assert.ok(await sidebarShown(page), 'the sidebar is shown beside the room');
  assert.ok(await inViewport(page, page.locator('section#messages')), 'the messages are shown');
});

s.test('members_panel_opens_from_the_top_bar_at_390x844', async (t) => {
  const phone = await t.user('pocket', PHONE);
  const bob = await t.user('bob');
  const page = phone.page;
  const roomId = await createRoom(page, unique('crowd'));
  await openRoom(bob.page, t.url, roomId);
  await sendMessage(bob.page, 'bob is a member now');
  await waitForTexts(page, ['bob is a member now']);

  const toggle = page.locator('button#members-toggle');
  const panel = page.locator('aside#members');
  const membersOpen = () => page.evaluate(() => document.body.classList.contains('members-open'));
  const focusInPanel = () => page.evaluate(() => !!document.activeElement?.closest('#members'));
  await assertOnScreen(page, toggle, 'button#members-toggle');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await toggle.getAttribute('aria-controls'), 'members');
  assert.equal(await panel.isVisible(), false, 'the members panel is hidden on a phone until asked for');

  // Open: the panel slides in, on screen, with the focus in it, listing bob.
  await toggle.tap();
  await until('body.members-open after tapping the members button', membersOpen);
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await assertOnScreen(page, panel, 'the open members panel');
  await until('the focus to move into the members panel', focusInPanel);
  await until('bob to be listed', () => panel.locator(`li[data-user="${bob.id}"]`).isVisible());
  await assertFitsWidth(page, 'with the members panel open');

  // Escape closes it and gives the focus back to the button.
  await page.keyboard.press('Escape');
  await until('Escape to close the members panel', async () => !(await membersOpen()) && !(await panel.isVisible()));
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'members-toggle', 'focus returns to the button');

  // A tap outside closes it too; and one drawer at a time.
  await toggle.tap();
  await until('the panel to open again', membersOpen);
  // (The open drawer covers the right of the screen: tap the room beside it.)
  await page.locator('section#messages').tap({ position: { x: 20, y: 200 } });
  await until('a tap on the messages to close the panel', async () => !(await membersOpen()));
  await toggle.tap();
  await until('the panel to open once more', membersOpen);
  await page.locator('button#menu-toggle').tap();
  await until('the sidebar to replace the members panel', async () => (await sidebarOpen(page)) && !(await membersOpen()));
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
});

// The menu button on a phone: its badge and label.
const menuState = (page) => page.evaluate(() => {
  const b = document.querySelector('button#menu-toggle');
  const badge = b?.querySelector('.badge');
  return {
    badge: badge?.textContent ?? '',
    shown: !!badge && badge.getBoundingClientRect().width > 0,
    label: b?.getAttribute('aria-label') ?? '',
  };
});

s.test('menu_button_shows_unread_in_other_rooms_at_390x844', async (t) => {
  const phone = await t.user('pocket', PHONE);
  const bob = await t.user('bob');
  const page = phone.page;
  const here = await createRoom(page, unique('here'));
  const there = await createRoom(page, unique('there'));
  await openRoom(bob.page, t.url, there);
  await sendMessage(bob.page, 'bob joins there');
  // The phone reads "there", then goes to "here".
  await waitForTexts(page, ['bob joins there']);
  await until('the phone\'s read marker to reach bob\'s message', async () => {
    const r = await apiFetch(page, 'GET', '/api/rooms');
    return r.body?.data?.find((x) => x.id === there)?.unread;
  }, (n) => n === 0);
  await openRoom(page, t.url, here);
  await until('no unread sign while everything is read', () => menuState(page),
    (m) => m.badge === '' && !m.shown && m.label === 'Show rooms');

  // A message in the other room: the menu button says so, to the eye and in words.
  await sendMessage(bob.page, 'news from there');
  await until('the menu button to show 1 unread', () => menuState(page),
    (m) => m.badge === '1' && m.shown && m.label === 'Show rooms, 1 unread');
  await sendMessage(bob.page, 'more news from there');
  await until('the menu button to show 2 unread', () => menuState(page),
    (m) => m.badge === '2' && m.label === 'Show rooms, 2 unread');
  // Opening the drawer keeps the count in the label.
  await page.locator('button#menu-toggle').tap();
  await until('the label to say the drawer can be hidden', () => menuState(page),
    (m) => m.label === 'Hide rooms, 2 unread');
  await page.keyboard.press('Escape');

  // Reading the room clears it.
  await openRoomFromSidebar(page, there);
  await waitForTexts(page, ['news from there', 'more news from there']);
  await until('the unread sign to clear once the room is viewed', () => menuState(page),
    (m) => m.badge === '' && !m.shown && m.label === 'Show rooms');
});

s.test('closed_sidebar_is_out_of_the_tab_order_at_390x844', async (t) => {
  const phone = await t.user('pocket', PHONE);
  const page = phone.page;
  await createRoom(page, unique('tabs'));
  await until('the sidebar to be closed', async () => !(await sidebarOpen(page)));
  // Tab around the whole page, from the composer: the closed drawers are never reached.
  await composer(page).focus();
  const seen = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const where = await page.evaluate(() => {
      const f = document.activeElement;
      if (!f || f === document.body) return 'body';
      return `${f.closest('#sidebar') ? 'SIDEBAR ' : ''}${f.closest('#members') ? 'MEMBERS ' : ''}${f.tagName.toLowerCase()}` +
        `${f.id ? `#${f.id}` : ''}`;
    });
    seen.push(where);
  }
  assert.ok(!seen.some((w) => w.includes('SIDEBAR') || w.includes('MEMBERS')),
    `Tab reached a closed drawer: ${seen.join(', ')}`);
  assert.ok(seen.includes('textarea#composer-text'), `Tab went all the way round: ${seen.join(', ')}`);
  assert.ok(seen.includes('button#menu-toggle'), `the menu button is reachable: ${seen.join(', ')}`);

  // Open, the sidebar is reachable and takes the focus.
  await page.locator('button#menu-toggle').focus();
  await page.keyboard.press('Enter');
  await until('the focus to move into the open sidebar', () =>
    page.evaluate(() => !!document.activeElement?.closest('#sidebar')));
});
