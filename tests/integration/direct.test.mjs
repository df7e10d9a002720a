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
