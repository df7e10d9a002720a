// Random chat (go-random-chat's matching): the `match` frame and /api/match, the
// waiting queue's rules, and ending a chat for both sides.
import assert from 'node:assert/strict';
import { after, before, test } from './lib/test.mjs';
import { startServer } from './lib/server.mjs';
import { clientFor, data, eventually } from './lib/client.mjs';

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

// A live connection for a user (what holds a REST caller's place in the queue).
async function events(user, name) {
  const s = await c.sseConnect('/api/events', { token: user.token, name });
  open.push(s);
  return s;
}

async function drainQueue() {
  // A throwaway user takes whoever an earlier test left waiting (if anyone), so
  // each test starts with an empty queue. Without a connection of its own it is
  // never left waiting: 409 means nobody was.
  const sweeper = await c.guest('Sweeper');
  const r = await c.api('POST', '/api/match', undefined, sweeper.token);
  assert.ok(r.status === 200 || r.status === 409, `sweep: HTTP ${r.status} ${r.text}`);
  if (r.status === 200) assert.equal(r.body.data.status, 'matched');
}

async function offline(user) {
  await eventually(async () => !data(await c.api('GET', '/api/online', undefined, user.token)).includes(user.user_id),
    `${user.name} to have no connection left`);
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
  // A third user finds nobody else in the queue (409: nobody waits, and carol has no
  // connection to wait on).
  const carol = await c.guest('Rand Carol');
  assert.equal((await c.api('POST', '/api/match', undefined, carol.token)).status, 409);
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
  const n = await ws(next, 'next');
  // The closed user is out: the next one waits instead of being paired with it.
  // (close() resolves when the server has closed its side, after it left the queue.)
  n.send({ type: 'match' });
  await n.next((f) => f.type === 'waiting', undefined, 'next waits');
  n.send({ type: 'leave_match' });
});

test('either side can end a random chat: it closes for both, every connection told', async () => {
  for (const how of ['rest', 'ws frame']) {
    await drainQueue();
    const alice = await c.guest(`End Alice ${how}`);
    const bob = await c.guest(`End Bob ${how}`);
    const a1 = await ws(alice, 'alice tab 1');
    const a2 = await ws(alice, 'alice tab 2');
    const b = await ws(bob, 'bob');
    const bEvents = await events(bob, 'bob events');
    assert.equal(data(await c.api('POST', '/api/match', undefined, alice.token)).status, 'waiting');
    const m = data(await c.api('POST', '/api/match', undefined, bob.token));
    assert.equal(m.status, 'matched');
    assert.equal(m.peer.id, alice.user_id);
    const room = m.room.id;
    await b.next((f) => f.type === 'matched', undefined, 'bob matched notice');
    if (how === 'rest') {
      const left = await c.api('POST', `/api/rooms/${room}/leave`, undefined, alice.token);
      assert.equal(left.status, 204);
    } else {
      a1.send({ type: 'leave', room });
      const left = await a1.next((f) => f.type === 'left' || f.type === 'error', undefined, 'the leave answer');
      assert.deepEqual(left, { type: 'left', room });
    }
    // Both sides hear of it, on every connection: the leaver's other tab too.
    for (const [conn, what] of [[b, 'bob'], [a1, 'alice tab 1'], [a2, 'alice tab 2']]) {
      const ended = await conn.next((f) => f.type === 'chat_ended', undefined, `chat_ended to ${what}`);
      assert.equal(ended.room, room);
      assert.equal(ended.by, alice.user_id);
    }
    const onStream = await bEvents.next((x) => x.event === 'chat_ended', undefined, 'chat_ended on /api/events');
    assert.equal(onStream.json.room, room);
    // The room is closed for both: gone, and posting to it is refused.
    for (const u of [alice, bob]) {
      assert.equal((await c.api('GET', `/api/rooms/${room}`, undefined, u.token)).status, 404);
      const post = await c.api('POST', `/api/rooms/${room}/messages`, { text: 'anyone?' }, u.token);
      assert.equal(post.status, 404, `${u.name} cannot post to the ended chat`);
    }
    b.send({ type: 'send', room, text: 'still there?', client_id: `late-${how}` });
    const err = await b.next((f) => f.type === 'error' && f.client_id === `late-${how}`, undefined, 'late send refused');
    assert.equal(err.code, 404);
    // Ended, each may look for a new chat.
    a1.send({ type: 'match' });
    await a1.next((f) => f.type === 'waiting', undefined, 'alice may queue again');
    a1.send({ type: 'leave_match' });
  }
});

test('leave over WebSocket: a room one is not in, or a bad frame, is an error', async () => {
  const alice = await c.guest('Leave Errors');
  const a = await ws(alice, 'alice');
  a.send({ type: 'leave', room: 'no-such-room' });
  const e1 = await a.next((f) => f.type === 'error', undefined, 'unknown room');
  assert.equal(e1.code, 404);
  assert.equal(e1.room, 'no-such-room');
  a.send({ type: 'leave' });
  const e2 = await a.next((f) => f.type === 'error', undefined, 'missing room');
  assert.equal(e2.code, 400);
  a.send({ type: 'leave', room: 'x', extra: 1 });
  const e3 = await a.next((f) => f.type === 'error', undefined, 'unknown field');
  assert.equal(e3.code, 400);
  assert.match(e3.content, /extra/);
});

test('POST /api/match without a live connection: paired if someone waits, else 409, never left waiting', async () => {
  await drainQueue();
  const lone = await c.guest('No Conn');
  const r = await c.api('POST', '/api/match', undefined, lone.token);
  assert.equal(r.status, 409, 'nobody waits and a later match could reach it nowhere');
  assert.match(r.body.message, /api\/events|api\/ws/);
  // It was not queued: the next one waits instead of being paired with it.
  const next = await c.guest('Has Conn');
  const n = await ws(next, 'next');
  n.send({ type: 'match' });
  await n.next((f) => f.type === 'waiting', undefined, 'the next one waits');
  // Someone waiting (with a connection) is paired with a connectionless caller: the
  // answer itself carries the room.
  const m = data(await c.api('POST', '/api/match', undefined, lone.token));
  assert.equal(m.status, 'matched');
  assert.equal(m.peer.id, next.user_id);
  const told = await n.next((f) => f.type === 'matched', undefined, 'the waiting side is told');
  assert.equal(told.room, m.room.id);
});

test('a REST caller waits while it has a connection, and leaves the queue with its last one', async () => {
  await drainQueue();
  const alice = await c.guest('Rest Waiter');
  const s = await events(alice, 'alice events');
  assert.equal(data(await c.api('POST', '/api/match', undefined, alice.token)).status, 'waiting');
  await s.close();
  await offline(alice);
  // Coming back does not put her back in line: she left with her last connection.
  await events(alice, 'alice back');
  const bob = await c.guest('Rest Next');
  const b = await ws(bob, 'bob');
  b.send({ type: 'match' });
  await b.next((f) => f.type === 'waiting', undefined, 'bob waits: alice is not in the queue');
  const carol = await c.guest('Rest Third');
  const m = data(await c.api('POST', '/api/match', undefined, carol.token));
  assert.equal(m.status, 'matched');
  assert.equal(m.peer.id, bob.user_id, 'carol gets bob, the only one waiting');
});

test('a match while already in a random chat is refused (409), over WebSocket and REST', async () => {
  await drainQueue();
  const alice = await c.guest('Twice Alice');
  const bob = await c.guest('Twice Bob');
  const a = await ws(alice, 'alice');
  const b = await ws(bob, 'bob');
  a.send({ type: 'match' });
  await a.next((f) => f.type === 'waiting', undefined, 'waiting');
  b.send({ type: 'match' });
  const mb = await b.next((f) => f.type === 'matched', undefined, 'bob matched');
  await a.next((f) => f.type === 'matched', undefined, 'alice matched');
  a.send({ type: 'match' });
  const e = await a.next((f) => f.type === 'error', undefined, 'match refused');
  assert.equal(e.code, 409);
  assert.match(e.content, new RegExp(mb.room));
  const r = await c.api('POST', '/api/match', undefined, bob.token);
  assert.equal(r.status, 409);
  // Neither was queued by the refused asks: a third user waits.
  const carol = await c.guest('Twice Carol');
  const cw = await ws(carol, 'carol');
  cw.send({ type: 'match' });
  await cw.next((f) => f.type === 'waiting', undefined, 'carol waits');
  const rooms = data(await c.api('GET', '/api/rooms', undefined, alice.token));
  assert.equal(rooms.filter((x) => x.kind === 'random').length, 1, 'alice has one random chat');
  cw.send({ type: 'leave_match' });
});

test('a connection whose ask was matched does not take its user out of a later queue', async () => {
  await drainQueue();
  const alice = await c.guest('Ticket Alice');
  const bob = await c.guest('Ticket Bob');
  const first = await ws(alice, 'alice first');
  first.send({ type: 'match' });
  await first.next((f) => f.type === 'waiting', undefined, 'waiting');
  const m = data(await c.api('POST', '/api/match', undefined, bob.token));
  assert.equal(m.status, 'matched');
  assert.equal((await c.api('POST', `/api/rooms/${m.room.id}/leave`, undefined, bob.token)).status, 204);
  await first.next((f) => f.type === 'chat_ended', undefined, 'the chat ended');
  // Alice looks again from another connection, then closes the first one.
  const second = await ws(alice, 'alice second');
  second.send({ type: 'match' });
  await second.next((f) => f.type === 'waiting', undefined, 'waiting again');
  await first.close();
  // She is still waiting: carol is paired with her.
  const carol = await c.guest('Ticket Carol');
  const mc = data(await c.api('POST', '/api/match', undefined, carol.token));
  assert.equal(mc.status, 'matched');
  assert.equal(mc.peer.id, alice.user_id);
});

test('leave_match and DELETE /api/match take the user out of the queue', async () => {
  await drainQueue();
  const alice = await c.guest('Quit Alice');
  const a = await ws(alice, 'alice');
  a.send({ type: 'match' });
  await a.next((f) => f.type === 'waiting', undefined, 'waiting');
  a.send({ type: 'leave_match' });
  a.send({ type: 'ping' });
  await a.next((f) => f.type === 'pong', undefined, 'leave_match handled');
  const bob = await c.guest('Quit Bob');
  await events(bob, 'bob events');
  assert.equal(data(await c.api('POST', '/api/match', undefined, bob.token)).status, 'waiting',
    'bob waits: alice left with leave_match');
  assert.equal((await c.api('DELETE', '/api/match', undefined, bob.token)).status, 204);
  assert.equal((await c.api('DELETE', '/api/match', undefined, bob.token)).status, 204, 'idempotent');
  const carol = await c.guest('Quit Carol');
  assert.equal((await c.api('POST', '/api/match', undefined, carol.token)).status, 409,
    'nobody waits: bob left with DELETE (and carol has no connection)');
  assert.equal(a.inbox.peek((f) => f.type === 'matched').length, 0);
});

test('match with an unknown field is refused and queues nobody', async () => {
  await drainQueue();
  const alice = await c.guest('Odd Alice');
  const a = await ws(alice, 'alice');
  a.send({ type: 'match', mode: 'fast' });
  const e = await a.next((f) => f.type === 'error', undefined, 'unknown field');
  assert.equal(e.code, 400);
  assert.match(e.content, /mode/);
  const bob = await c.guest('Odd Bob');
  assert.equal((await c.api('POST', '/api/match', undefined, bob.token)).status, 409, 'alice is not waiting');
});
