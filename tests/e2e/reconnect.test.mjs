// The server restarts in the middle of a conversation, and one page stays cut off
// while messages are sent: when it is back, every page shows every message once, in
// order.
import assert from 'node:assert/strict';
import {
  assertExactly, createRoom, cutStreams, openRoom, sendMessage, suite, texts, unique, until, waitForTexts,
} from './lib/browser.mjs';

const s = suite();

s.test('restart_mid_conversation_shows_every_message_once_in_order', async (t) => {
  const alice = await t.user('alice');
  const bob = await t.user('bob');
  const roomId = await createRoom(alice.page, unique('restart'));
  await openRoom(bob.page, t.url, roomId);

  const said = [];
  const say = async (who, text) => {
    await sendMessage(who.page, text);
    said.push(text);
  };
  await say(alice, 'a1 before the restart');
  await say(bob, 'b1 before the restart');
  await say(alice, 'a2 before the restart');
  await waitForTexts(bob.page, said, 'bob: the messages before the restart');

  // Bob's page loses its streams, the way it does behind a reverse proxy while the
  // server restarts; his other requests (sending) still go through.
  const { attempts, restore } = await cutStreams(bob.context);
  const roomStream = `/rooms/${roomId}/events`;

  // Streams break while the server is down, and pages may say so in the console
  // (htmx's SSE extension logs the stream's error Event as "[object Event]").
  t.allowConsole(/net::ERR_|EventSource|sseError|Failed to load resource|^\[object Event\]$/);
  // Same port, same database: the pages keep their URL and their session.
  t.srv.env.PORT = String(t.srv.port);
  await t.srv.restart();

  // Alice's page comes back by itself: her messages reach her own page again.
  await say(alice, 'a3 after the restart');
  await say(alice, 'a4 after the restart');
  // Bob sends while his page has no stream; alice sees it.
  // (His page may show it only once it is back.)
  await sendMessage(bob.page, 'b2 sent while cut off', { shown: false });
  said.push('b2 sent while cut off');
  await waitForTexts(alice.page, said, 'alice: every message so far');
  await say(alice, 'a5 while bob is cut off');
  await until('bob\'s page to try to reconnect its room stream twice (refused, then a 502)',
    () => attempts.get(roomStream) || 0, (n) => n >= 2);

  // Bob's network is back.
  await restore();
  await waitForTexts(bob.page, said, 'bob: every message, after reconnecting');

  // A last message after everything settled: anything replayed twice would be
  // before it.
  await say(bob, 'b3 all caught up');
  await waitForTexts(alice.page, ['b3 all caught up']);
  for (const who of [alice, bob]) {
    await until(`${who.name}: the last message at the bottom`, () => texts(who.page),
      (ts) => ts[ts.length - 1] === 'b3 all caught up');
    const ms = await assertExactly(who.page, said, who.name);
    assert.equal(new Set(ms.map((m) => m.seq)).size, said.length, `${who.name}: each message once`);
  }
});
