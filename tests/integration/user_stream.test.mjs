// The per-user stream /api/events replays what was missed: on connect, the DMs the
// user has not read (get_offline's set), then live ones; every `chat` event has an
// `id:` and a reconnect with Last-Event-ID (or ?since=) skips what it already had.
// It also carries the caller's unread counts: `unread` {room, unread, read_seq,
// last_seq} for every member room when the stream starts, then one whenever a room's
// count changes (a message from someone else, the read marker moving from any
// connection, a delete, a new direct room or random chat), counted exactly as GET
// /api/rooms counts. Those are transient: no `id:`, so the DMs' resume is untouched.
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

// ---------------------------------------------------------------------------
// Unread counts.

const isUnread = (room) => (r) => r.event === 'unread' && r.json.room === room;

// Waits for the room's next `unread` event and checks all of it.
async function unread(s, room, want) {
  const got = await s.next(isUnread(room), undefined, `unread of ${room} on ${s.name}`);
  assert.deepEqual(got.json, { room, ...want }, `${s.name}: unread event of ${room}`);
  assert.equal(got.id, undefined, 'unread events carry no id');
  return got.json;
}

// Every unread count the stream sent for the room, in order.
const history = (s, room) => s.events.filter(isUnread(room)).map((r) => r.json.unread);

async function rooms(user) {
  return data(await c.api('GET', '/api/rooms', undefined, user.token), 200, 'GET /api/rooms');
}

async function read(user, room, seq) {
  const res = await c.api('POST', `/api/rooms/${room}/read`, { seq }, user.token);
  assert.ok(res.status === 200 || res.status === 204, `read: ${res.status} ${res.text}`);
}

async function del(user, room, seq) {
  return data(await c.api('DELETE', `/api/rooms/${room}/messages/${seq}`, undefined, user.token),
    200, `delete ${room}#${seq}`);
}

test('the stream starts with every member room\'s count, as GET /api/rooms has it, also on a resume', async () => {
  const ada = await c.guest('Snap Ada');
  const bob = await c.guest('Snap Bob');
  const group = await c.createRoom(bob.token, 'snap-group');
  await c.join(ada.token, group.id);
  await c.post(ada.token, group.id, 'mine, never unread');
  const g1 = await c.post(bob.token, group.id, 'g1');
  await c.post(bob.token, group.id, 'g2');
  await c.post(bob.token, group.id, 'g3');
  await del(bob, group.id, g1.seq); // a deleted message is not unread
  const dm = data(await c.api('POST', `/api/dm/${ada.user_id}`, undefined, bob.token));
  const d1 = await c.post(bob.token, dm.id, 'd1');
  await c.post(bob.token, dm.id, 'd2');
  await read(ada, dm.id, d1.seq);
  const quiet = await c.createRoom(ada.token, 'snap-quiet');
  const notJoined = await c.createRoom(bob.token, 'snap-not-joined');

  const listed = await rooms(ada);
  const want = (id) => {
    const r = listed.find((x) => x.id === id);
    return { unread: r.unread, read_seq: r.read_seq, last_seq: r.last_seq };
  };
  assert.equal(want(group.id).unread, 2);
  assert.equal(want(dm.id).unread, 1);
  assert.equal(want(quiet.id).unread, 0);

  const snapshot = async (s) => {
    const snap = await s.take((r) => r.event === 'unread', 3, undefined, `the snapshot on ${s.name}`);
    assert.deepEqual(new Set(snap.map((r) => r.json.room)), new Set([group.id, dm.id, quiet.id]),
      `${s.name}: one event per member room, none for ${notJoined.id}`);
    for (const r of snap) {
      assert.deepEqual(r.json, { room: r.json.room, ...want(r.json.room) }, `${s.name}: ${r.json.room}`);
      assert.equal(r.id, undefined, 'no id');
    }
  };
  const fresh = await stream(ada, { name: 'fresh' });
  await snapshot(fresh);
  const chat = await fresh.next((r) => r.event === 'chat', undefined, 'the unread DM');
  assert.equal(chat.json.content, 'd2');

  // A resumed stream starts with the snapshot too, and its DMs still resume by id.
  const resumed = await stream(ada, { name: 'resumed', lastEventId: chat.id });
  await snapshot(resumed);
  const d3 = await c.post(bob.token, dm.id, 'd3');
  const live = await resumed.next((r) => r.event === 'chat', undefined, 'the live DM');
  assert.equal(live.json.content, 'd3', 'd2 is not sent again after its id');
  await unread(resumed, dm.id, { unread: 2, read_seq: d1.seq, last_seq: d3.seq });
  await unread(fresh, dm.id, { unread: 2, read_seq: d1.seq, last_seq: d3.seq });
});

test('messages from others raise it; one\'s own do not; reads from any connection lower it', async () => {
  const ada = await c.guest('Live Ada');
  const bob = await c.guest('Live Bob');
  const room = await c.createRoom(bob.token, 'live-room');
  await c.join(ada.token, room.id);
  const joinedAt = (await rooms(ada)).find((r) => r.id === room.id).read_seq;
  const s1 = await stream(ada, { name: 's1' });
  await unread(s1, room.id, { unread: 0, read_seq: joinedAt, last_seq: joinedAt });

  const m1 = await c.post(bob.token, room.id, 'm1');
  await unread(s1, room.id, { unread: 1, read_seq: joinedAt, last_seq: m1.seq });
  const m2 = await c.post(bob.token, room.id, 'm2');
  await unread(s1, room.id, { unread: 2, read_seq: joinedAt, last_seq: m2.seq });
  const m3 = await c.post(bob.token, room.id, 'm3');
  await unread(s1, room.id, { unread: 3, read_seq: joinedAt, last_seq: m3.seq });

  // Read over REST up to m1.
  await read(ada, room.id, m1.seq);
  await unread(s1, room.id, { unread: 2, read_seq: m1.seq, last_seq: m3.seq });

  // A second stream counts m2 and m3 from the store; a WebSocket `read` (another
  // connection) to m2 stops inside that count, which is read again: exact, 1.
  const s2 = await stream(ada, { name: 's2' });
  await unread(s2, room.id, { unread: 2, read_seq: m1.seq, last_seq: m3.seq });
  const ws = await c.wsConnect(ada.token, { name: 'ada-ws' });
  open.push(ws);
  ws.send({ type: 'read', room: room.id, seq: m2.seq });
  await unread(s1, room.id, { unread: 1, read_seq: m2.seq, last_seq: m3.seq });
  await unread(s2, room.id, { unread: 1, read_seq: m2.seq, last_seq: m3.seq });
  assert.deepEqual((await rooms(ada)).find((r) => r.id === room.id).unread, 1);

  // Posting reads the room up to one's own message; a second one changes nothing.
  const own = await c.post(ada.token, room.id, 'mine');
  await unread(s1, room.id, { unread: 0, read_seq: own.seq, last_seq: own.seq });
  await unread(s2, room.id, { unread: 0, read_seq: own.seq, last_seq: own.seq });
  const own2 = await c.post(ada.token, room.id, 'mine again');
  // An edit and a reaction by someone else are no new messages either.
  const m4 = await c.post(bob.token, room.id, 'm4');
  await unread(s1, room.id, { unread: 1, read_seq: own2.seq, last_seq: m4.seq });
  data(await c.api('PATCH', `/api/rooms/${room.id}/messages/${m4.seq}`, { text: 'm4!' }, bob.token));
  data(await c.api('POST', `/api/rooms/${room.id}/messages/${m4.seq}/reactions`, { emoji: '👍' }, bob.token));
  const m5 = await c.post(bob.token, room.id, 'm5');
  await unread(s1, room.id, { unread: 2, read_seq: own2.seq, last_seq: m5.seq });
  await unread(s2, room.id, { unread: 1, read_seq: own2.seq, last_seq: m4.seq });
  await unread(s2, room.id, { unread: 2, read_seq: own2.seq, last_seq: m5.seq });

  assert.deepEqual(history(s1, room.id), [0, 1, 2, 3, 2, 1, 0, 1, 2], 's1: each change once, nothing else');
  assert.deepEqual(history(s2, room.id), [2, 1, 0, 1, 2], 's2: each change once, nothing else');
  assert.equal((await rooms(ada)).find((r) => r.id === room.id).unread, 2);
});

test('deleting an unread message lowers it; deleting a read or own one does not', async () => {
  const ada = await c.guest('Del Ada');
  const bob = await c.guest('Del Bob');
  const room = await c.createRoom(bob.token, 'del-room');
  await c.join(ada.token, room.id);
  const a = await c.post(bob.token, room.id, 'a');
  const b = await c.post(bob.token, room.id, 'b');
  const joinedAt = a.seq - 1;
  const s = await stream(ada, { name: 'ada' });
  await unread(s, room.id, { unread: 2, read_seq: joinedAt, last_seq: b.seq });

  // One the store counted when the stream started.
  const delA = await del(bob, room.id, a.seq);
  await unread(s, room.id, { unread: 1, read_seq: joinedAt, last_seq: delA.seq });
  // One that came live.
  const cMsg = await c.post(bob.token, room.id, 'c');
  await unread(s, room.id, { unread: 2, read_seq: joinedAt, last_seq: cMsg.seq });
  const delC = await del(bob, room.id, cMsg.seq);
  await unread(s, room.id, { unread: 1, read_seq: joinedAt, last_seq: delC.seq });
  // Ada's own message reads b; deleting it, or the read b, changes nothing.
  const d = await c.post(ada.token, room.id, 'd');
  await unread(s, room.id, { unread: 0, read_seq: d.seq, last_seq: d.seq });
  await del(ada, room.id, d.seq);
  await del(bob, room.id, b.seq);
  const e = await c.post(bob.token, room.id, 'e');
  await unread(s, room.id, { unread: 1, read_seq: d.seq, last_seq: e.seq });

  assert.deepEqual(history(s, room.id), [2, 1, 2, 1, 0, 1]);
  assert.equal((await rooms(ada)).find((r) => r.id === room.id).unread, 1);
});

test('a new direct room appears with its count, and then changes like any other', async () => {
  const ada = await c.guest('New Ada');
  const cy = await c.guest('New Cy');
  const own = await c.createRoom(ada.token, 'new-own');
  const s = await stream(ada, { name: 'ada' });
  // The snapshot (Ada's one room) is out before the direct room exists.
  await unread(s, own.id, { unread: 0, read_seq: own.last_seq, last_seq: own.last_seq });
  const dm = data(await c.api('POST', `/api/dm/${ada.user_id}`, undefined, cy.token));
  const hi = await c.post(cy.token, dm.id, 'hi');
  const listed = (await rooms(ada)).find((r) => r.id === dm.id);
  await unread(s, dm.id, { unread: 1, read_seq: listed.read_seq, last_seq: hi.seq });
  const again = await c.post(cy.token, dm.id, 'again');
  await unread(s, dm.id, { unread: 2, read_seq: listed.read_seq, last_seq: again.seq });
  await read(ada, dm.id, again.seq);
  await unread(s, dm.id, { unread: 0, read_seq: again.seq, last_seq: again.seq });
  assert.deepEqual(history(s, dm.id), [1, 2, 0]);
  assert.deepEqual(history(s, own.id), [0], 'nothing for the other room');
});

test('a random chat is counted from its match until it ends; a room left sends no more', async () => {
  // The match queue is shared by the whole server: this file's only user of it.
  const ada = await c.guest('Rand Ada');
  const bob = await c.guest('Rand Bob');
  const group = await c.createRoom(bob.token, 'rand-group');
  await c.join(ada.token, group.id);
  const s = await stream(ada, { name: 'ada' });
  const joinedAt = (await rooms(ada)).find((r) => r.id === group.id).read_seq;
  await unread(s, group.id, { unread: 0, read_seq: joinedAt, last_seq: joinedAt });

  // Ada waits (her stream holds her place); Bob's ask pairs them.
  assert.equal(data(await c.api('POST', '/api/match', undefined, ada.token)).status, 'waiting');
  const matched = data(await c.api('POST', '/api/match', undefined, bob.token));
  assert.equal(matched.status, 'matched');
  const room = matched.room.id;
  await s.next((r) => r.event === 'matched' && r.json.room === room, undefined, 'matched');
  const listed = (await rooms(ada)).find((r) => r.id === room);
  await unread(s, room, { unread: 0, read_seq: listed.read_seq, last_seq: listed.last_seq });
  const hi = await c.post(bob.token, room, 'hi stranger');
  await unread(s, room, { unread: 1, read_seq: listed.read_seq, last_seq: hi.seq });

  // Bob ends it; Ada leaves the group. Neither room is counted any more: the next
  // change Ada hears of is in a third room.
  const left = await c.api('POST', `/api/rooms/${room}/leave`, undefined, bob.token);
  assert.equal(left.status, 204, `leave: ${left.status} ${left.text}`);
  await s.next((r) => r.event === 'chat_ended' && r.json.room === room, undefined, 'chat_ended');
  const leave = await c.api('POST', `/api/rooms/${group.id}/leave`, undefined, ada.token);
  assert.equal(leave.status, 204, `leave: ${leave.status} ${leave.text}`);
  await c.post(bob.token, group.id, 'after ada left');
  const dm = data(await c.api('POST', `/api/dm/${ada.user_id}`, undefined, bob.token));
  const last = await c.post(bob.token, dm.id, 'still here?');
  const dmRead = (await rooms(ada)).find((r) => r.id === dm.id).read_seq;
  await unread(s, dm.id, { unread: 1, read_seq: dmRead, last_seq: last.seq });
  assert.deepEqual(history(s, group.id), [0], 'nothing for the group after leaving it');
  assert.deepEqual(history(s, room), [0, 1], 'nothing for the ended chat');
});

test('a room joined from another connection is announced and counted from then on', async () => {
  const ada = await c.guest('Join Ada');
  const bob = await c.guest('Join Bob');
  const own = await c.createRoom(ada.token, 'join-own');
  const room = await c.createRoom(bob.token, 'join-room');
  await c.post(bob.token, room.id, 'before ada came');
  const s = await stream(ada, { name: 'ada' });
  const w = await c.wsConnect(ada.token, { name: 'ada-ws' });
  open.push(w);
  await unread(s, own.id, { unread: 0, read_seq: own.last_seq, last_seq: own.last_seq });

  await c.join(ada.token, room.id); // over REST: neither the stream nor the WebSocket
  const joined = await s.next((r) => r.event === 'joined', undefined, 'joined on /api/events');
  assert.deepEqual(joined.json, { type: 'joined', room: room.id });
  assert.equal(joined.id, undefined);
  assert.deepEqual(await w.next((f) => f.type === 'joined', undefined, 'joined on the WebSocket'),
    { type: 'joined', room: room.id });
  const joinedAt = (await rooms(ada)).find((r) => r.id === room.id).read_seq;
  // Joining starts the marker at the join: what came before is not unread.
  await unread(s, room.id, { unread: 0, read_seq: joinedAt, last_seq: joinedAt });
  const m = await c.post(bob.token, room.id, 'welcome');
  await unread(s, room.id, { unread: 1, read_seq: joinedAt, last_seq: m.seq });
  assert.deepEqual(history(s, room.id), [0, 1]);

  // A room Ada creates elsewhere is one she joined too.
  const made = await c.createRoom(ada.token, 'join-made');
  const announced = await s.next((r) => r.event === 'joined' && r.json.room === made.id, undefined,
    'joined for the new room');
  assert.deepEqual(announced.json, { type: 'joined', room: made.id });
  await unread(s, made.id, { unread: 0, read_seq: made.last_seq, last_seq: made.last_seq });
  await c.join(bob.token, made.id);
  const hello = await c.post(bob.token, made.id, 'hello');
  await unread(s, made.id, { unread: 1, read_seq: made.last_seq, last_seq: hello.seq });
});
