// A room with 120 messages opens on the newest; scrolling up to the top loads the
// older ones until all 120 are shown, each once, in order.
import assert from 'node:assert/strict';
import {
  api, apiFetch, apiGuest, assertExactly, createRoom, inViewport, messages, openRoom, suite, texts, unique, until, WAIT_MS,
} from './lib/browser.mjs';

const s = suite();
const N = 120;
const label = (i) => `scroll ${String(i).padStart(3, '0')}`;

s.test('scrollback_to_the_top_shows_all_120_messages_once', async (t) => {
  const reader = await t.user('reader');
  const roomId = await createRoom(reader.page, unique('history'));

  // Someone else wrote the history, through the API.
  const writer = await apiGuest(t.url, 'writer');
  let lastSeq = 0;
  for (let i = 1; i <= N; i++) {
    const res = await api(t.url, 'POST', `/api/rooms/${roomId}/messages`, { token: writer.token, body: { text: label(i) } });
    assert.equal(res.status, 201, `post ${label(i)}: ${res.text}`);
    lastSeq = res.body.data.seq;
  }
  const expected = Array.from({ length: N }, (_, i) => label(i + 1));
  // The reader has read them all (elsewhere): the room opens on the newest, not at
  // the first unread message (first_unread.test.mjs).
  const read = await apiFetch(reader.page, 'POST', `/api/rooms/${roomId}/read`, { seq: lastSeq });
  assert.equal(read.status, 204, `mark read: ${JSON.stringify(read)}`);

  await openRoom(reader.page, t.url, roomId);
  const page = reader.page;
  const first = await messages(page);
  assert.ok(first.length > 0 && first.length < N,
    `the room opens on a page of recent messages, not all ${N} (got ${first.length})`);
  assert.equal(first[first.length - 1].text, label(N), 'the newest message is last');
  assert.ok(await inViewport(page, page.locator(`#m-${first[first.length - 1].seq}`)),
    'the room opens scrolled to the newest message');
  assert.equal(await page.locator('#scrollback-sentinel').count(), 1, '#scrollback-sentinel is on the page');

  // Scroll up with the mouse wheel over the messages, as far as it goes, until no
  // more arrive. Each round waits for older messages to be added (never a sleep).
  const box = await page.locator('#messages').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 200));
  let count = first.length;
  const deadline = Date.now() + 6 * WAIT_MS;
  while (count < N) {
    assert.ok(Date.now() < deadline, `scrolling up loaded ${count} of ${N} messages`);
    // Wheel on each poll, as a reader does: a wheel that lands before the page's
    // own scroll-to-newest on load would otherwise be undone and never repeated.
    count = (await until(`older messages to load after scrolling to the top (${count} of ${N} shown)`,
      async () => {
        await page.mouse.wheel(0, -20_000);
        return page.locator('#messages article.msg').count();
      }, (n) => n > count || n >= N));
  }

  const ms = await assertExactly(page, expected, 'reader');
  assert.equal(new Set(ms.map((m) => m.id)).size, N, 'each message once');
  // And the top of the room is reached: the oldest message is in view.
  await page.mouse.wheel(0, -20_000);
  await until('the oldest message to be in view at the top', () => inViewport(page, page.locator(`#m-${ms[0].seq}`)));
});

// An older page rendered before an edit, a delete and a reaction to its messages
// reaches the list after the stream told of them: they still show.
s.test('changes_made_while_an_older_page_loads_are_shown_once_it_arrives', async (t) => {
  const reader = await t.user('reader');
  const roomId = await createRoom(reader.page, unique('late-page'));
  const writer = await apiGuest(t.url, 'writer');
  const M = 70;  // more than the first page holds
  const seqs = [];
  for (let i = 1; i <= M; i++) {
    const res = await api(t.url, 'POST', `/api/rooms/${roomId}/messages`, { token: writer.token, body: { text: label(i) } });
    assert.equal(res.status, 201, `post ${label(i)}: ${res.text}`);
    seqs.push(res.body.data.seq);
  }
  const read = await apiFetch(reader.page, 'POST', `/api/rooms/${roomId}/read`, { seq: seqs[M - 1] });
  assert.equal(read.status, 204);

  // The older page is fetched at once but handed to the page only when released.
  const page = reader.page;
  let fetched;
  const pageFetched = new Promise((r) => { fetched = r; });
  let release;
  const released = new Promise((r) => { release = r; });
  await page.route(`**/rooms/${roomId}/history?before=*`, async (route) => {
    const response = await route.fetch();
    fetched();
    await released;
    await route.fulfill({ response });
  });
  try {
    await openRoom(page, t.url, roomId);
    const first = await messages(page);
    assert.ok(!first.some((m) => m.text === label(1)), 'the first message is not on the first page');
    const box = await page.locator('#messages').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 200));
    await until('the older page to be requested', async () => {
      await page.mouse.wheel(0, -20_000);
      return Promise.race([pageFetched.then(() => true), new Promise((r) => setTimeout(() => r(false), 100))]);
    });

    // Meanwhile, on messages of that page: an edit, a delete, a reaction.
    const edit = await api(t.url, 'PATCH', `/api/rooms/${roomId}/messages/${seqs[0]}`,
      { token: writer.token, body: { text: 'scroll 001, edited' } });
    assert.equal(edit.status, 200, `edit: ${edit.text}`);
    const del = await api(t.url, 'DELETE', `/api/rooms/${roomId}/messages/${seqs[1]}`, { token: writer.token });
    assert.ok(del.status === 200 || del.status === 204, `delete: ${del.text}`);
    const react = await api(t.url, 'POST', `/api/rooms/${roomId}/messages/${seqs[2]}/reactions`,
      { token: writer.token, body: { emoji: '🎉' } });
    assert.ok(react.status === 200 || react.status === 201, `react: ${react.text}`);
    // The stream is in order: once this shows, the three came before it.
    await api(t.url, 'POST', `/api/rooms/${roomId}/messages`, { token: writer.token, body: { text: 'after the changes' } });
    await until('the live message after the changes', () => texts(page), (ts) => ts.includes('after the changes'));
  } finally {
    release();  // a failure above must not leave the route waiting
  }
  await until('the older page to arrive', () => texts(page), (ts) => ts.includes(label(3)));
  const shown = await messages(page);
  const one = shown.find((m) => m.seq === seqs[0]);
  assert.equal(one?.text, 'scroll 001, edited', `the edit shows: ${JSON.stringify(one)}`);
  assert.ok(one.edited, 'marked (edited)');
  assert.ok(!shown.some((m) => m.seq === seqs[1]), 'the deleted message is gone');
  const pill = page.locator(`#m-${seqs[2]} button.reaction`);
  assert.equal(await pill.count(), 1, 'the reaction shows');
  assert.equal((await pill.locator('.count').innerText()).trim(), '1');
});
