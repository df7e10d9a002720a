// Direct messages (chat-server's frames): `chat`, `get_offline`, `get_online_list`,
// /api/dm, the per-user stream /api/events, and `read` receipts in a DM.
import assert from 'node:assert/strict';
import { after, before, test } from './lib/test.mjs';
import { startServer } from './lib/server.mjs';
import { clientFor, data, eventually } from './lib/client.mjs';

let srv;
let c;
const open = [];
before(async () => {
  srv = await startServer();
  c = clientFor(srv);
});
after(async () => {
  for (const x of open) x.terminate?.() ?? x.close?.();
  await srv?.close();
});

async function ws(user, name) {
  const w = await c.wsConnect(user.token, { name });
  open.push(w);
  return w;
}

test('a chat frame reaches the online recipient and is acknowledged to the sender', async () => {
  const alice = await c.guest('DM Alice');
  const bob = await c.guest('DM Bob');
  const a = await ws(alice, 'alice');
  const b = await ws(bob, 'bob');
  a.send({ type: 'chat', to_user_id: bob.user_id, content: 'hi bob', client_id: 'dm-1' });
  const ack = await a.next((f) => f.type === 'ack' && f.client_id === 'dm-1', undefined, 'the ack');
  const got = await b.next((f) => f.type === 'chat', undefined, 'the chat frame');
  assert.equal(got.from_user_id, alice.user_id);
  assert.equal(got.to_user_id, bob.user_id);
  assert.equal(got.content, 'hi bob');
  assert.equal(got.seq, ack.seq);
  assert.equal(got.room, ack.room);
  assert.equal(typeof got.created_at, 'string');
  // The room is the one direct room of the two, the same from both sides.
  const fromA = data(await c.api('POST', `/api/dm/${bob.user_id}`, undefined, alice.token));
  const fromB = data(await c.api('POST', `/api/dm/${alice.user_id}`, undefined, bob.token));
  assert.equal(fromA.id, ack.room);
  assert.equal(fromB.id, ack.room);
  assert.equal(fromA.kind, 'direct');
});

test('a chat to an unknown user or to oneself gets an error frame, not silence', async () => {
  const alice = await c.guest('Lonely Alice');
  const a = await ws(alice, 'alice');
  a.send({ type: 'chat', to_user_id: 'nobody-here-123', content: 'hello?', client_id: 'x1' });
  const e1 = await a.next((f) => f.type === 'error', undefined, 'error for an unknown user');
  assert.equal(e1.code, 404);
  assert.equal(e1.client_id, 'x1');
  a.send({ type: 'chat', to_user_id: alice.user_id, content: 'me', client_id: 'x2' });
  const e2 = await a.next((f) => f.type === 'error' && f.client_id === 'x2', undefined, 'error for self');
  assert.equal(e2.code, 422);
  a.send({ type: 'chat', content: 'to whom?' });
  const e3 = await a.next((f) => f.type === 'error' && /to_user_id/.test(f.content), undefined, 'missing field');
  assert.equal(e3.code, 400);
  const res = await c.api('POST', '/api/dm/nobody-here-123', undefined, alice.token);
  assert.equal(res.status, 404);
});

test('messages sent while the recipient is offline come back with get_offline, oldest first', async () => {
  const alice = await c.guest('Off Alice');
  const bob = await c.guest('Off Bob');
  const a = await ws(alice, 'alice');
  for (const [i, text] of ['one', 'two', 'three'].entries()) {
    a.send({ type: 'chat', to_user_id: bob.user_id, content: text, client_id: `off-${i}` });
    await a.next((f) => f.type === 'ack' && f.client_id === `off-${i}`, undefined, `ack ${i}`);
  }
  const b = await ws(bob, 'bob');
  b.send({ type: 'get_offline' });
  const list = await b.next((f) => f.type === 'offline_list', undefined, 'the offline list');
  assert.deepEqual(list.data.map((m) => m.content), ['one', 'two', 'three']);
  for (const m of list.data) {
    assert.equal(m.from_user_id, alice.user_id);
    assert.equal(m.to_user_id, bob.user_id);
  }
  // Reading moves the marker; the read receipt reaches the sender's room subscription.
  const room = list.data[0].room;
  a.send({ type: 'subscribe', room });
  await a.next((f) => f.type === 'subscribed' && f.room === room, undefined, 'subscribed');
  b.send({ type: 'read', room, seq: list.data[2].seq });
  const seen = await a.next((f) => f.type === 'read' && f.room === room, undefined, 'the read receipt');
  assert.equal(seen.user_id, bob.user_id);
  assert.equal(seen.seq, list.data[2].seq);
  b.send({ type: 'get_offline' });
  const empty = await b.next((f) => f.type === 'offline_list', undefined, 'the second offline list');
  assert.deepEqual(empty.data, []);
  // Markers never move back.
  b.send({ type: 'read', room, seq: 1 });
  const again = await a.next((f) => f.type === 'read' && f.user_id === bob.user_id,
    undefined, 'the second read receipt');
  assert.equal(again.seq, list.data[2].seq, 'a read marker only moves forward');
});

test('the per-user stream /api/events carries direct messages', async () => {
  const alice = await c.guest('Stream Alice');
  const bob = await c.guest('Stream Bob');
  const s = await c.sseConnect('/api/events', { token: bob.token });
  open.push(s);
  const a = await ws(alice, 'alice');
  a.send({ type: 'chat', to_user_id: bob.user_id, content: 'over sse', client_id: 's-1' });
  const got = await s.next((x) => x.event === 'chat', undefined, 'the chat event on /api/events');
  const body = JSON.parse(got.data);
  assert.equal(body.content, 'over sse');
  assert.equal(body.from_user_id, alice.user_id);
});

test('get_online_list and /api/online list users connected now', async () => {
  const alice = await c.guest('Online Alice');
  const bob = await c.guest('Online Bob');
  const a = await ws(alice, 'alice');
  const b = await ws(bob, 'bob');
  a.send({ type: 'get_online_list' });
  const list = await a.next((f) => f.type === 'online_list', undefined, 'the online list');
  assert.ok(list.data.includes(alice.user_id));
  assert.ok(list.data.includes(bob.user_id));
  await b.close();
  await eventually(async () => !data(await c.api('GET', '/api/online', undefined, alice.token)).includes(bob.user_id),
    'bob to go offline after closing');
});

test('typing in a direct room reaches the other member', async () => {
  const alice = await c.guest('Typing Alice');
  const bob = await c.guest('Typing Bob');
  const dm = data(await c.api('POST', `/api/dm/${bob.user_id}`, undefined, alice.token));
  const a = await ws(alice, 'alice');
  const b = await ws(bob, 'bob');
  for (const w of [a, b]) {
    w.send({ type: 'subscribe', room: dm.id });
    await w.next((f) => f.type === 'subscribed', undefined, 'subscribed');
  }
  a.send({ type: 'typing', room: dm.id, on: true });
  const t = await b.next((f) => f.type === 'typing', undefined, 'the typing notice');
  assert.equal(t.user_id, alice.user_id);
  assert.equal(t.on, true);
});

test('get_offline offers messages as they are now: deleted ones left out, edited ones as edited', async () => {
  const alice = await c.guest('Edit Alice');
  const bob = await c.guest('Edit Bob');
  const a = await ws(alice, 'alice');
  const acks = [];
  for (const [i, text] of ['first draft', 'regret this', 'plain'].entries()) {
    a.send({ type: 'chat', to_user_id: bob.user_id, content: text, client_id: `ed-${i}` });
    acks.push(await a.next((f) => f.type === 'ack' && f.client_id === `ed-${i}`, undefined, `ack ${i}`));
  }
  const room = acks[0].room;
  data(await c.api('PATCH', `/api/rooms/${room}/messages/${acks[0].seq}`, { text: 'final text' }, alice.token));
  data(await c.api('DELETE', `/api/rooms/${room}/messages/${acks[1].seq}`, undefined, alice.token));
  const b = await ws(bob, 'bob');
  b.send({ type: 'get_offline' });
  const list = await b.next((f) => f.type === 'offline_list', undefined, 'the offline list');
  assert.deepEqual(list.data.map((m) => [m.seq, m.content]), [[acks[0].seq, 'final text'], [acks[2].seq, 'plain']]);
  assert.equal(list.has_more, false);
});

test('replying in a DM marks what it answers as read (the author\'s marker moves to the reply)', async () => {
  const alice = await c.guest('Reply Alice');
  const bob = await c.guest('Reply Bob');
  const a = await ws(alice, 'alice');
  const b = await ws(bob, 'bob');
  a.send({ type: 'chat', to_user_id: bob.user_id, content: 'question?', client_id: 'q' });
  await a.next((f) => f.type === 'ack' && f.client_id === 'q', undefined, 'ack');
  b.send({ type: 'chat', to_user_id: alice.user_id, content: 'answer', client_id: 'r' });
  await b.next((f) => f.type === 'ack' && f.client_id === 'r', undefined, 'ack');
  b.send({ type: 'get_offline' });
  const forBob = await b.next((f) => f.type === 'offline_list', undefined, 'bob\'s list');
  assert.deepEqual(forBob.data, [], 'bob answered: the question is read');
  a.send({ type: 'get_offline' });
  const forAlice = await a.next((f) => f.type === 'offline_list', undefined, 'alice\'s list');
  assert.deepEqual(forAlice.data.map((m) => m.content), ['answer']);
});

test('get_offline past its cap says has_more, and MAX_MSGS keeps unread direct messages', async () => {
  // Its own server: retention on, and a send rate that lets 501 messages through.
  const small = await startServer({ env: { MAX_MSGS: '3', SEND_RATE_PER_SEC: '100000', SEND_BURST: '100000' } });
  try {
    const sc = clientFor(small);
    const alice = await sc.guest('Many Alice');
    const bob = await sc.guest('Many Bob');
    const a = await sc.wsConnect(alice.token, { name: 'alice' });
    const b = await sc.wsConnect(bob.token, { name: 'bob' });
    open.push(a, b);
    const total = 501;
    for (let i = 0; i < total; i++) {
      a.send({ type: 'chat', to_user_id: bob.user_id, content: `m${i}`, client_id: `many-${i}` });
    }
    const acks = await a.take((f) => f.type === 'ack', total, undefined, 'every ack');
    const seqs = acks.map((x) => x.seq).sort((x, y) => x - y);
    b.send({ type: 'get_offline' });
    const first = await b.next((f) => f.type === 'offline_list', undefined, 'the first page');
    assert.equal(first.data.length, 500);
    assert.equal(first.has_more, true);
    assert.deepEqual(first.data.map((m) => m.seq), seqs.slice(0, 500), 'nothing pruned, oldest first');
    // Reading what came clears it; the rest follows.
    const room = first.data[0].room;
    b.send({ type: 'read', room, seq: first.data[499].seq });
    b.send({ type: 'get_offline' });
    const rest = await b.next((f) => f.type === 'offline_list', undefined, 'the rest');
    assert.deepEqual(rest.data.map((m) => m.content), [`m${total - 1}`]);
    assert.equal(rest.has_more, false);
    // Once read, retention applies: the history keeps the newest MAX_MSGS events.
    b.send({ type: 'read', room, seq: seqs[total - 1] });
    await eventually(async () => {
      a.send({ type: 'chat', to_user_id: bob.user_id, content: 'one more', client_id: `more-${Date.now()}` });
      const events = await sc.allEvents(bob.token, room);
      return events.length === 3;
    }, 'the read messages to be pruned');
  } finally {
    await small.close();
  }
});

test('frame errors: read, typing and chat with bad fields, and /api/dm to oneself', async () => {
  const alice = await c.guest('Err Alice');
  const bob = await c.guest('Err Bob');
  const carol = await c.guest('Err Carol');
  const a = await ws(alice, 'alice');
  const dm = data(await c.api('POST', `/api/dm/${bob.user_id}`, undefined, alice.token));
  const cases = [
    [{ type: 'read', room: dm.id }, 400, /seq/],
    [{ type: 'read', room: dm.id, seq: -1 }, 422, /seq/],
    [{ type: 'read', room: dm.id, seq: 'x' }, 400, /seq/],
    [{ type: 'typing', room: dm.id, on: true }, 409, /subscribe/],
    [{ type: 'chat', to_user_id: bob.user_id, content: '' }, 422, /blank/],
    [{ type: 'chat', to_user_id: bob.user_id, content: '   ' }, 422, /blank/],
    [{ type: 'chat', to_user_id: bob.user_id, content: 'x'.repeat(4097) }, 413, /too long/],
    // chat-server clients send integer ids; parley's are strings, and a number is
    // refused by name rather than guessed at (API.md notes).
    [{ type: 'chat', to_user_id: 42, content: 'hi' }, 400, /to_user_id.*string/],
    [{ type: 'chat', to_user_id: bob.user_id, content: 'hi', extra: 1 }, 400, /extra/],
  ];
  for (const [frame, code, content] of cases) {
    a.send(frame);
    const e = await a.next((f) => f.type === 'error', undefined, `error for ${JSON.stringify(frame).slice(0, 80)}`);
    assert.equal(e.code, code, JSON.stringify(frame).slice(0, 80));
    assert.match(e.content, content);
  }
  // A room one is not a member of: a private DM of others answers as if it did not exist.
  const c2 = await ws(carol, 'carol');
  c2.send({ type: 'read', room: dm.id, seq: 1 });
  const notMember = await c2.next((f) => f.type === 'error', undefined, 'read in others\' DM');
  assert.equal(notMember.code, 404);
  assert.equal(notMember.room, dm.id);
  // None of it was stored.
  const events = await c.allEvents(bob.token, dm.id);
  assert.equal(events.filter((e) => e.kind === 'message').length, 0);
  const self = await c.api('POST', `/api/dm/${alice.user_id}`, undefined, alice.token);
  assert.equal(self.status, 422);
});
