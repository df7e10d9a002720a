// Random chat (go-random-chat's matching): the `match` frame and /api/match, the
// waiting queue's rules, and ending a chat for both sides.
import assert from 'node:assert/strict';
import { after, before, test } from './lib/test.mjs';
import { startServer } from './lib/server.mjs';
import { clientFor, data } from './lib/client.mjs';

// One server per test: the queue is server-wide, so tests must not see each
// other's waiting users.
let srv;
let c;
const open = [];
before(async () => {
  srv = await startServer();
  c = clientFor(srv);
});
after(async () => {
  for (const x of open) x.terminate?.();
  await srv?.close();
});

async function ws(user, name) {
  const w = await c.wsConnect(user.token, { name });
  open.push(w);
  return w;
}

async function drainQueue() {
  // A throwaway user takes whoever an earlier test left waiting (if anyone), then
  // leaves, so each test starts with an empty queue.
  const sweeper = await c.guest('Sweeper');
  const r = data(await c.api('POST', '/api/match', undefined, sweeper.token));
  if (r.status === 'waiting') await c.api('DELETE', '/api/match', undefined, sweeper.token);
}

test('two users asking for a match are paired into one new private random room', async () => {
  await drainQueue();
  const alice = await c.guest('Rand Alice');
  const bob = await c.guest('Rand Bob');
  const a = await ws(alice, 'alice');
  const b = await ws(bob, 'bob');
  a.send({ type: 'match' });
  await a.next((f) => f.type === 'waiting', undefined, 'waiting');
  a.send({ type: 'match' }); // again while waiting: changes nothing
  await a.next((f) => f.type === 'waiting', undefined, 'still waiting');
  b.send({ type: 'match' });
  const ma = await a.next((f) => f.type === 'matched', undefined, 'alice matched');
  const mb = await b.next((f) => f.type === 'matched', undefined, 'bob matched');
  assert.equal(ma.room, mb.room);
  assert.equal(ma.peer.id, bob.user_id);
  assert.equal(mb.peer.id, alice.user_id);
  const room = data(await c.api('GET', `/api/rooms/${ma.room}`, undefined, alice.token));
  assert.equal(room.kind, 'random');
  assert.equal(room.visibility, 'private');
  assert.equal(room.members_count, 2);
  // They can talk.
  for (const w of [a, b]) {
    w.send({ type: 'subscribe', room: ma.room });
    await w.next((f) => f.type === 'subscribed', undefined, 'subscribed');
  }
  a.send({ type: 'send', room: ma.room, text: 'hello stranger', client_id: 'r1' });
  const ev = await b.next((f) => f.type === 'event' && f.kind === 'message', undefined, 'the message');
  assert.equal(ev.data.text, 'hello stranger');
  // A third user waits: nobody else is left in the queue.
  const carol = await c.guest('Rand Carol');
  assert.equal(data(await c.api('POST', '/api/match', undefined, carol.token)).status, 'waiting');
  await c.api('DELETE', '/api/match', undefined, carol.token);
});

test('a user is never matched with itself, even from two connections', async () => {
  await drainQueue();
  const solo = await c.guest('Solo');
  const one = await ws(solo, 'one');
  const two = await ws(solo, 'two');
  one.send({ type: 'match' });
  await one.next((f) => f.type === 'waiting', undefined, 'waiting');
  two.send({ type: 'match' });
  await two.next((f) => f.type === 'waiting', undefined, 'still waiting, alone');
  assert.equal(one.inbox.peek((f) => f.type === 'matched').length, 0);
  await c.api('DELETE', '/api/match', undefined, solo.token);
});

test('closing the connection while waiting leaves the queue', async () => {
  await drainQueue();
  const gone = await c.guest('Gone');
  const g = await ws(gone, 'gone');
  g.send({ type: 'match' });
  await g.next((f) => f.type === 'waiting', undefined, 'waiting');
  await g.close();
  const next = await c.guest('Next');
  // The closed user is out: the next one waits instead of being paired with it.
  // (close() resolves when the server has closed its side, after it left the queue.)
  assert.equal(data(await c.api('POST', '/api/match', undefined, next.token)).status, 'waiting');
  await c.api('DELETE', '/api/match', undefined, next.token);
});

test('either side can end a random chat: it closes for both, with a notice', async () => {
  await drainQueue();
  const alice = await c.guest('End Alice');
  const bob = await c.guest('End Bob');
  const b = await ws(bob, 'bob');
  assert.equal(data(await c.api('POST', '/api/match', undefined, alice.token)).status, 'waiting');
  const m = data(await c.api('POST', '/api/match', undefined, bob.token));
  assert.equal(m.status, 'matched');
  assert.equal(m.peer.id, alice.user_id);
  const room = m.room.id;
  await b.next((f) => f.type === 'matched', undefined, 'bob matched notice');
  const left = await c.api('POST', `/api/rooms/${room}/leave`, undefined, alice.token);
  assert.equal(left.status, 204);
  const ended = await b.next((f) => f.type === 'chat_ended', undefined, 'the chat-ended notice');
  assert.equal(ended.room, room);
  assert.equal(ended.by, alice.user_id);
  const gone = await c.api('GET', `/api/rooms/${room}`, undefined, bob.token);
  assert.equal(gone.status, 404, 'the room is gone for bob too');
});
