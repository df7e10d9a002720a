// The per-user stream /api/events replays what was missed: on connect, the DMs the
// user has not read (get_offline's set), then live ones; every `chat` event has an
// `id:` and a reconnect with Last-Event-ID (or ?since=) skips what it already had.
import assert from 'node:assert/strict';
import { after, before, test } from './lib/test.mjs';
import { startServer } from './lib/server.mjs';
import { clientFor, data } from './lib/client.mjs';

let srv;
let c;
const open = [];
before(async () => {
  srv = await startServer({ env: { THREADS: '2' } });
  c = clientFor(srv);
});
after(async () => {
  for (const x of open) x.terminate?.() ?? x.close?.();
  await srv?.close();
});

async function stream(user, opts = {}) {
  const s = await c.sseConnect('/api/events', { token: user.token, ...opts });
  open.push(s);
  return s;
}

async function dmRoom(from, to) {
  return data(await c.api('POST', `/api/dm/${to.user_id}`, undefined, from.token));
}

const key = (j) => `${j.room}#${j.seq}`;

test('a DM sent while the stream is closed arrives when it reconnects, with an id', async () => {
  const ada = await c.guest('Replay Ada');
  const bob = await c.guest('Replay Bob');
  const room = await dmRoom(bob, ada);
  const sent = await c.post(bob.token, room.id, 'while you were away');
  const s = await stream(ada, { name: 'ada' });
  const got = await s.next((r) => r.event === 'chat', undefined, 'the missed DM');
  assert.equal(got.json.content, 'while you were away');
  assert.equal(got.json.type, 'chat');
  assert.equal(got.json.from_user_id, bob.user_id);
  assert.equal(got.json.to_user_id, ada.user_id);
  assert.equal(got.json.room, room.id);
  assert.equal(got.json.seq, sent.seq);
  assert.equal(typeof got.json.created_at, 'string');
  assert.match(got.id, new RegExp(`^\\d+\\.${room.id}\\.${sent.seq}$`), 'the id: <ms>.<room>.<seq>');
  assert.equal(Number(got.id.split('.')[0]), Date.parse(got.json.created_at), 'the id starts with created_at in ms');
  // The same DM as get_offline reports, in the same shape.
  const w = await c.wsConnect(ada.token, { name: 'ada-ws' });
  open.push(w);
  w.send({ type: 'get_offline' });
  const list = await w.next((f) => f.type === 'offline_list', undefined, 'the offline list');
  assert.deepEqual(list.data.map((m) => ({ ...m, type: 'chat' })), [got.json]);
});

test('replayed DMs come oldest first across rooms, then live ones, each once', async () => {
  const ada = await c.guest('Order Ada');
  const bob = await c.guest('Order Bob');
  const cy = await c.guest('Order Cy');
  const fromBob = await dmRoom(bob, ada);
  const fromCy = await dmRoom(cy, ada);
  await c.post(bob.token, fromBob.id, 'b1');
  await c.post(cy.token, fromCy.id, 'c1');
  await c.post(bob.token, fromBob.id, 'b2');
  const s = await stream(ada, { name: 'ada' });
  const replayed = await s.take((r) => r.event === 'chat', 3, undefined, 'three replayed DMs');
  assert.deepEqual(replayed.map((r) => r.json.content), ['b1', 'c1', 'b2']);
  await c.post(cy.token, fromCy.id, 'c2 live');
  const live = await s.next((r) => r.event === 'chat' && r.json.content === 'c2 live', undefined, 'the live DM');
  assert.ok(live.id, 'live DMs carry an id too');
  const ids = s.events.filter((r) => r.event === 'chat').map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, `no DM twice: ${ids}`);
});

test('a reconnect with Last-Event-ID or ?since= gets no duplicates, only what it missed', async () => {
  const ada = await c.guest('Resume Ada');
  const bob = await c.guest('Resume Bob');
  const room = await dmRoom(bob, ada);
  await c.post(bob.token, room.id, 'one');
  await c.post(bob.token, room.id, 'two');
  const s1 = await stream(ada, { name: 'ada-1' });
  const first = await s1.take((r) => r.event === 'chat', 2, undefined, 'the two unread DMs');
  await c.post(bob.token, room.id, 'three');
  const third = await s1.next((r) => r.event === 'chat' && r.json.content === 'three', undefined, 'the live DM');
  await s1.close();
  // Nothing was marked read: all three are still unread, and were all seen.
  await c.post(bob.token, room.id, 'four (missed)');

  const s2 = await stream(ada, { name: 'ada-2', lastEventId: third.id });
  const got = await s2.next((r) => r.event === 'chat', undefined, 'the missed DM');
  assert.equal(got.json.content, 'four (missed)');
  await c.post(bob.token, room.id, 'five');
  await s2.next((r) => r.event === 'chat' && r.json.content === 'five', undefined, 'a live DM after the resume');
  assert.deepEqual(s2.events.filter((r) => r.event === 'chat').map((r) => r.json.content),
    ['four (missed)', 'five'], 'nothing before Last-Event-ID again');

  // ?since= does the same for clients that cannot set the header.
  const s3 = await stream(ada, { name: 'ada-3', since: first[1].id });
  const rest = await s3.take((r) => r.event === 'chat', 3, undefined, 'the DMs after the second');
  assert.deepEqual(rest.map((r) => r.json.content), ['three', 'four (missed)', 'five']);

  // A malformed Last-Event-ID is no resume point: every unread DM.
  const s4 = await stream(ada, { name: 'ada-4', lastEventId: 'nonsense' });
  const all = await s4.take((r) => r.event === 'chat', 5, undefined, 'every unread DM');
  assert.deepEqual(all.map((r) => r.json.content), ['one', 'two', 'three', 'four (missed)', 'five']);
});

test('read DMs are not replayed', async () => {
  const ada = await c.guest('Read Ada');
  const bob = await c.guest('Read Bob');
  const room = await dmRoom(bob, ada);
  await c.post(bob.token, room.id, 'seen');
  const unseen = await c.post(bob.token, room.id, 'not yet');
  const res = await c.api('POST', `/api/rooms/${room.id}/read`, { seq: unseen.seq - 1 }, ada.token);
  assert.ok(res.status === 200 || res.status === 204, `read: ${res.status} ${res.text}`);
  const s = await stream(ada, { name: 'ada' });
  const got = await s.next((r) => r.event === 'chat', undefined, 'the unread DM');
  assert.equal(got.json.content, 'not yet');
  await c.post(bob.token, room.id, 'marker');
  await s.next((r) => r.event === 'chat' && r.json.content === 'marker', undefined, 'a live DM');
  assert.ok(!s.events.some((r) => r.json?.content === 'seen'));
});

test('DMs sent while the stream connects and replays are each delivered exactly once', async () => {
  const ada = await c.guest('Race Ada');
  const senders = [];
  for (let i = 0; i < 4; i++) {
    const u = await c.guest(`Race Sender ${i}`);
    senders.push({ u, room: await dmRoom(u, ada) });
  }
  for (const { u, room } of senders) await c.post(u.token, room.id, 'before');
  // Four senders post at once while streams open one after another, so DMs are
  // stored before each stream's query, during it (live and read both: sent once)
  // and after it.
  let sending = true;
  const posted = [];
  const sends = Promise.all(senders.map(async ({ u, room }) => {
    for (let i = 0; sending && i < 400; i++) {
      posted.push({ room: room.id, seq: (await c.post(u.token, room.id, `during ${i}`)).seq });
    }
  }));
  const streams = [];
  try {
    for (let i = 0; i < 6; i++) streams.push(await stream(ada, { name: `ada-${i}` }));
  } finally {
    sending = false;
  }
  await sends;
  for (const { u, room } of senders) {
    posted.push({ room: room.id, seq: (await c.post(u.token, room.id, 'after')).seq });
  }
  const total = senders.length + posted.length; // the 'before' ones, and every later one
  for (const s of streams) {
    await s.take((r) => r.event === 'chat', total, undefined, `all ${total} DMs on ${s.name}`);
    const chats = s.events.filter((r) => r.event === 'chat');
    const keys = chats.map((r) => key(r.json));
    assert.equal(new Set(keys).size, keys.length, `${s.name}: no DM twice`);
    assert.equal(chats.length, total, `${s.name}: every DM, once`);
    for (const p of posted) assert.ok(keys.includes(key(p)), `DM ${key(p)} on ${s.name}`);
    for (const { room } of senders) {
      const seqs = chats.filter((r) => r.json.room === room.id).map((r) => r.json.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `${s.name}: in seq order within a room`);
    }
  }
});
