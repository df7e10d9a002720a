// Rooms and messages over the JSON API: visibility, membership, posting, edits,
// deletes, reactions, history paging, read markers, idempotent sends.
import assert from 'node:assert/strict';
import { after, before, test } from './lib/test.mjs';
import { startServer } from './lib/server.mjs';
import { clientFor, data, failed, unique } from './lib/client.mjs';

let srv;
let c;
let alice; // owns most rooms
let bob;
let carol;
before(async () => {
  srv = await startServer();
  c = clientFor(srv);
  alice = await c.guest('Alice');
  bob = await c.guest('Bob');
  carol = await c.guest('Carol');
});
after(async () => {
  await srv?.close();
});

const seqs = (events) => events.map((e) => e.seq);
const range = (from, to) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

async function listRooms(user) {
  return data(await c.api('GET', '/api/rooms', undefined, user.token), 200, 'GET /api/rooms');
}

async function history(user, roomId, query) {
  return data(await c.api('GET', `/api/rooms/${roomId}/messages${query}`, undefined, user.token), 200,
    `history ${query}`);
}

test('creating a public or a private room returns 201 and the room', async () => {
  for (const visibility of ['public', 'private']) {
    const name = unique(`new-${visibility}-`);
    const r = await c.createRoom(alice.token, name, visibility);
    assert.match(r.id, /^[A-Za-z0-9_-]{1,64}$/, `room id: ${JSON.stringify(r)}`);
    assert.equal(r.name, name);
    assert.equal(r.visibility, visibility);
    assert.equal(typeof r.kind, 'string', `room has a kind: ${JSON.stringify(r)}`);
    assert.equal(typeof r.last_seq, 'number', `room has a last_seq: ${JSON.stringify(r)}`);
  }
  failed(await c.api('POST', '/api/rooms', { name: unique('x'), visibility: 'secret' }, alice.token), [400, 422],
    'create with an unknown visibility');
  failed(await c.api('POST', '/api/rooms', { name: '', visibility: 'public' }, alice.token), 422, 'create with an empty name');
  failed(await c.api('POST', '/api/rooms', { name: unique('x'), visibility: 'public' }), 401, 'create without a token');
});

test('public rooms are listed for everyone, private rooms only for their members', async () => {
  const pub = await c.createRoom(alice.token, unique('pub'), 'public');
  const priv = await c.createRoom(alice.token, unique('priv'), 'private');
  const mine = await listRooms(alice);
  assert.ok(mine.some((r) => r.id === pub.id), 'the owner sees her public room');
  assert.ok(mine.some((r) => r.id === priv.id), 'the owner sees her private room');
  for (const r of mine) {
    for (const k of ['id', 'name', 'kind', 'visibility', 'last_seq', 'unread']) {
      assert.ok(k in r, `GET /api/rooms entry has ${k}: ${JSON.stringify(r)}`);
    }
  }
  const theirs = await listRooms(bob);
  assert.ok(theirs.some((r) => r.id === pub.id), 'a non-member sees a public room');
  assert.ok(!theirs.some((r) => r.id === priv.id), 'a non-member does not see a private room');
});

test('GET a room gives members_count; join and leave return 204 and change it', async () => {
  const r = await c.createRoom(alice.token, unique('count'), 'public');
  assert.equal((await c.room(alice.token, r.id)).members_count, 1, 'the creator is the only member');
  const got = await c.room(bob.token, r.id);
  assert.equal(got.id, r.id);
  assert.equal(got.name, r.name);
  await c.join(bob.token, r.id);
  assert.equal((await c.room(alice.token, r.id)).members_count, 2, 'after bob joined');
  await c.join(carol.token, r.id);
  assert.equal((await c.room(alice.token, r.id)).members_count, 3, 'after carol joined');
  const left = await c.api('POST', `/api/rooms/${r.id}/leave`, undefined, bob.token);
  assert.equal(left.status, 204, `leave: ${left.status} ${left.text}`);
  assert.equal((await c.room(alice.token, r.id)).members_count, 2, 'after bob left');
  failed(await c.api('GET', '/api/rooms/no-such-room', undefined, alice.token), 404, 'GET an unknown room');
  failed(await c.api('POST', '/api/rooms/no-such-room/join', undefined, alice.token), 404, 'join an unknown room');
});

test('the last member leaving deletes a room, and whoever follows it is told (room_deleted)', async () => {
  const r = await c.createRoom(alice.token, unique('last'), 'public');
  // Bob visits without joining, over WebSocket and over SSE.
  const ws = await c.wsConnect(bob.token, { name: 'ws-visitor' });
  ws.subscribe(r.id, 0);
  await ws.next((f) => f.type === 'subscribed' && f.room === r.id, undefined, 'subscribed');
  const sse = await c.sseConnect(`/api/rooms/${r.id}/events`, { token: bob.token, since: 0 });
  try {
    await sse.stored(1);  // alice's join: the stream is live
    const left = await c.api('POST', `/api/rooms/${r.id}/leave`, undefined, alice.token);
    assert.equal(left.status, 204, `leave: ${left.status} ${left.text}`);
    const note = await ws.next((f) => f.type === 'room_deleted', undefined, 'room_deleted over WebSocket');
    assert.deepEqual(note, { type: 'room_deleted', room: r.id });
    const event = await sse.next((x) => x.event === 'room_deleted', undefined, 'room_deleted over SSE');
    assert.deepEqual(event.json, { room: r.id });
    assert.equal(event.id, undefined, 'transient: no id');
    // Her leaving came first, as the log's last event.
    const member = ws.all.find((f) => f.type === 'event' && f.kind === 'member' && f.data.action === 'left');
    assert.equal(member?.data.user.id, alice.user_id);
    failed(await c.api('GET', `/api/rooms/${r.id}`, undefined, bob.token), 404, 'the room is gone');
  } finally {
    await ws.close();
    await sse.close();
  }
  // A room others stay in is not deleted, and nobody is told it was.
  const kept = await c.createRoom(alice.token, unique('kept'), 'public');
  await c.join(bob.token, kept.id);
  const watcher = await c.wsConnect(carol.token, { name: 'ws-watcher' });
  try {
    watcher.subscribe(kept.id, 0);
    await watcher.events(kept.id, 2);  // both joins
    await c.api('POST', `/api/rooms/${kept.id}/leave`, undefined, alice.token);
    await watcher.next((f) => f.type === 'event' && f.room === kept.id && f.kind === 'member' &&
      f.data.action === 'left', undefined, 'alice leaving');
    await c.post(bob.token, kept.id, 'still here');
    await watcher.next((f) => f.type === 'event' && f.room === kept.id && f.kind === 'message', undefined,
      'a message after it');
    assert.ok(!watcher.all.some((f) => f.type === 'room_deleted'), 'no room_deleted while members remain');
  } finally {
    await watcher.close();
  }
});

test('a non-member can neither read, join nor post to a private room', async () => {
  const priv = await c.createRoom(alice.token, unique('secret'), 'private');
  await c.post(alice.token, priv.id, 'for members only');
  const denied = [403, 404];
  failed(await c.api('GET', `/api/rooms/${priv.id}`, undefined, bob.token), denied, 'GET a private room');
  failed(await c.api('GET', `/api/rooms/${priv.id}/messages`, undefined, bob.token), denied, 'history of a private room');
  failed(await c.api('GET', `/api/rooms/${priv.id}/members`, undefined, bob.token), denied, 'members of a private room');
  failed(await c.api('POST', `/api/rooms/${priv.id}/join`, undefined, bob.token), denied, 'join a private room');
  failed(await c.api('POST', `/api/rooms/${priv.id}/messages`, { text: 'let me in' }, bob.token), denied,
    'post to a private room');
  await assert.rejects(c.sseConnect(`/api/rooms/${priv.id}/events`, { token: bob.token, since: 0 }),
    (e) => denied.includes(e.status), 'SSE stream of a private room is refused');
  const all = await c.allEvents(alice.token, priv.id);
  assert.ok(!all.some((e) => e.kind === 'message' && e.text === 'let me in'), 'nothing was stored');
});

test('posting returns the message event, with the text as written and the HTML escaped', async () => {
  const r = await c.createRoom(alice.token, unique('post'), 'public');
  const text = 'hello <script>alert(1)</script> & "friends" **bold** é 🎉';
  const m = await c.post(alice.token, r.id, text, { client_id: 'post-1' });
  assert.equal(m.kind, 'message');
  assert.equal(typeof m.seq, 'number');
  assert.equal(m.room, r.id);
  assert.equal(m.text, text, 'text is stored as written');
  assert.equal(m.client_id, 'post-1');
  assert.equal(m.author.id, alice.user_id);
  assert.equal(typeof m.author.name, 'string');
  assert.ok('avatar_url' in m.author, `author has avatar_url: ${JSON.stringify(m.author)}`);
  assert.deepEqual(m.attachments, []);
  assert.ok(['string', 'number'].includes(typeof m.created_at), `created_at is a time: ${JSON.stringify(m)}`);
  assert.equal(typeof m.html, 'string');
  assert.ok(!/<script/i.test(m.html), `no raw HTML from the user in html: ${m.html}`);
  const hist = await c.allEvents(bob.token, r.id);
  const stored = hist.find((e) => e.seq === m.seq);
  assert.deepEqual(stored, m, 'history holds the same event the POST returned');
  failed(await c.api('POST', `/api/rooms/${r.id}/messages`, { text: '   ' }, alice.token), 422, 'blank text');
  failed(await c.api('POST', `/api/rooms/${r.id}/messages`, {}, alice.token), [400, 422], 'no text');
});

test('only the author may edit a message (403 for others); the edit is an event', async () => {
  const r = await c.createRoom(alice.token, unique('edit'), 'public');
  await c.join(bob.token, r.id);
  const m = await c.post(bob.token, r.id, 'first draft');
  const e = data(await c.api('PATCH', `/api/rooms/${r.id}/messages/${m.seq}`, { text: 'second draft' }, bob.token),
    200, 'author edits');
  assert.equal(e.kind, 'edit');
  assert.equal(e.seq, m.seq + 1, 'the edit takes the next seq');
  assert.equal(e.target_seq, m.seq);
  assert.equal(e.text, 'second draft');
  assert.equal(typeof e.html, 'string');
  assert.ok(['string', 'number'].includes(typeof e.edited_at), `edited_at is a time: ${JSON.stringify(e)}`);
  failed(await c.api('PATCH', `/api/rooms/${r.id}/messages/${m.seq}`, { text: 'hijacked' }, alice.token), 403,
    'the room owner edits another user\'s message');
  failed(await c.api('PATCH', `/api/rooms/${r.id}/messages/999999`, { text: 'x' }, bob.token), 404, 'edit an unknown seq');
  const hist = await c.allEvents(alice.token, r.id);
  assert.deepEqual(hist.slice(-2).map((x) => [x.kind, x.seq]), [['message', m.seq], ['edit', e.seq]],
    'no event was stored for the refused edit');
});

test('the author or the room owner may delete a message; another member gets 403', async () => {
  const r = await c.createRoom(alice.token, unique('del'), 'public');
  await c.join(bob.token, r.id);
  await c.join(carol.token, r.id);
  const m1 = await c.post(bob.token, r.id, 'bob one');
  const m2 = await c.post(bob.token, r.id, 'bob two');
  failed(await c.api('DELETE', `/api/rooms/${r.id}/messages/${m1.seq}`, undefined, carol.token), 403,
    'a member deletes another member\'s message');
  const d1 = data(await c.api('DELETE', `/api/rooms/${r.id}/messages/${m1.seq}`, undefined, bob.token), 200,
    'the author deletes');
  assert.equal(d1.kind, 'delete');
  assert.equal(d1.target_seq, m1.seq);
  assert.equal(d1.seq, m2.seq + 1);
  const d2 = data(await c.api('DELETE', `/api/rooms/${r.id}/messages/${m2.seq}`, undefined, alice.token), 200,
    'the room owner deletes');
  assert.equal(d2.kind, 'delete');
  assert.equal(d2.target_seq, m2.seq);
  assert.equal(d2.seq, d1.seq + 1);
  const hist = await c.allEvents(alice.token, r.id);
  assert.deepEqual(hist.slice(-4).map((x) => x.kind), ['message', 'message', 'delete', 'delete']);
});

test('a reaction toggles on and off, and each toggle is an event', async () => {
  const r = await c.createRoom(alice.token, unique('react'), 'public');
  await c.join(bob.token, r.id);
  const m = await c.post(alice.token, r.id, 'react to me');
  const path = `/api/rooms/${r.id}/messages/${m.seq}/reactions`;
  const on = data(await c.api('POST', path, { emoji: '👍' }, bob.token), 200, 'react');
  assert.equal(on.kind, 'reaction');
  assert.equal(on.seq, m.seq + 1);
  assert.equal(on.target_seq, m.seq);
  assert.equal(on.user_id, bob.user_id);
  assert.equal(on.emoji, '👍');
  assert.equal(on.on, true);
  const off = data(await c.api('POST', path, { emoji: '👍' }, bob.token), 200, 'react again');
  assert.equal(off.seq, on.seq + 1);
  assert.equal(off.on, false, 'the second reaction with the same emoji removes it');
  const again = data(await c.api('POST', path, { emoji: '👍' }, alice.token), 200, 'another user reacts');
  assert.equal(again.on, true, 'toggles are per user');
  failed(await c.api('POST', path, { emoji: '' }, bob.token), 422, 'empty emoji');
  failed(await c.api('POST', `/api/rooms/${r.id}/messages/999999/reactions`, { emoji: '👍' }, bob.token), 404,
    'react to an unknown seq');
});

test('history pages with before, after and limit, oldest first, with has_more', async () => {
  const r = await c.createRoom(alice.token, unique('page'), 'public');
  const posted = [];
  for (let i = 0; i < 12; i++) posted.push(await c.post(alice.token, r.id, `page message ${i}`));
  const L = posted.at(-1).seq;
  assert.ok(L >= 12);

  const all = await c.allEvents(alice.token, r.id);
  assert.deepEqual(seqs(all), range(1, L), 'the room log is dense from 1');

  let p = await history(alice, r.id, '?limit=5');
  assert.deepEqual(seqs(p.events), range(L - 4, L), 'no cursor: the newest page, oldest first');
  assert.equal(p.has_more, true);

  p = await history(alice, r.id, `?before=${L - 4}&limit=5`);
  assert.deepEqual(seqs(p.events), range(L - 9, L - 5), 'before= gives the page just older');
  assert.equal(p.has_more, true);

  p = await history(alice, r.id, '?before=3&limit=5');
  assert.deepEqual(seqs(p.events), [1, 2], 'before=3');
  assert.equal(p.has_more, false, 'nothing older than seq 1');

  p = await history(alice, r.id, '?after=0&limit=5');
  assert.deepEqual(seqs(p.events), range(1, 5), 'after=0 gives the oldest page');
  assert.equal(p.has_more, true);

  p = await history(alice, r.id, `?after=${L - 3}&limit=50`);
  assert.deepEqual(seqs(p.events), range(L - 2, L), 'after= gives what follows');
  assert.equal(p.has_more, false);

  p = await history(alice, r.id, `?after=${L}`);
  assert.deepEqual(p.events, [], 'nothing after the last seq');
  assert.equal(p.has_more, false);

  p = await history(alice, r.id, '');
  assert.deepEqual(seqs(p.events), range(1, L), 'the default limit (50) covers the whole small room');
  assert.equal(p.has_more, false);

  const texts = all.filter((e) => e.kind === 'message').map((e) => e.text);
  assert.deepEqual(texts, posted.map((m) => m.text));
});

test('the read marker only moves forward and drives unread in GET /api/rooms', async () => {
  const r = await c.createRoom(alice.token, unique('unread'), 'public');
  await c.join(bob.token, r.id);
  const k = (await c.post(alice.token, r.id, 'before bob read')).seq;
  const read = async (seq) => {
    const res = await c.api('POST', `/api/rooms/${r.id}/read`, { seq }, bob.token);
    assert.equal(res.status, 204, `read ${seq}: HTTP ${res.status} ${res.text}`);
  };
  const bobsView = async () => (await listRooms(bob)).find((x) => x.id === r.id);
  await read(k);
  assert.equal((await bobsView()).unread, 0, 'read up to the last seq: nothing unread');
  for (let i = 0; i < 3; i++) await c.post(alice.token, r.id, `unread ${i}`);
  let v = await bobsView();
  assert.equal(v.last_seq, k + 3);
  assert.equal(v.unread, 3, 'three new messages from alice');
  await read(k + 1);
  assert.equal((await bobsView()).unread, 2, 'after reading one more');
  await read(k); // backwards: accepted, ignored
  v = await bobsView();
  assert.equal(v.unread, 2, 'a read marker never moves backwards');
  const members = data(await c.api('GET', `/api/rooms/${r.id}/members`, undefined, alice.token), 200, 'members');
  assert.equal(members.find((m) => m.id === bob.user_id)?.read_seq, k + 1, 'bob\'s read_seq in the members list');
  await read(k + 3);
  assert.equal((await bobsView()).unread, 0, 'read everything');
});

test('two POSTs with the same client_id store one message and return the same event', async () => {
  const r = await c.createRoom(alice.token, unique('idem'), 'public');
  const body = { text: 'exactly once', client_id: 'retry-me-1' };
  const first = await c.api('POST', `/api/rooms/${r.id}/messages`, body, alice.token);
  assert.equal(first.status, 201, first.text);
  const second = await c.api('POST', `/api/rooms/${r.id}/messages`, body, alice.token);
  assert.ok([200, 201].includes(second.status), `retry: HTTP ${second.status} ${second.text}`);
  assert.deepEqual(second.body.data, first.body.data, 'the retry returns the first message');
  await c.post(alice.token, r.id, 'another', { client_id: 'retry-me-2' });
  const msgs = (await c.allEvents(alice.token, r.id)).filter((e) => e.kind === 'message');
  assert.deepEqual(msgs.map((m) => m.client_id), ['retry-me-1', 'retry-me-2'], 'one stored message per client_id');
});

test('the members list gives id, name, avatar_url, online and read_seq of each member', async () => {
  const r = await c.createRoom(alice.token, unique('members'), 'public');
  await c.join(bob.token, r.id);
  const members = data(await c.api('GET', `/api/rooms/${r.id}/members`, undefined, bob.token), 200, 'members');
  assert.deepEqual(members.map((m) => m.id).sort(), [alice.user_id, bob.user_id].sort());
  for (const m of members) {
    for (const k of ['id', 'name', 'avatar_url', 'online', 'read_seq']) {
      assert.ok(k in m, `member has ${k}: ${JSON.stringify(m)}`);
    }
    assert.equal(typeof m.online, 'boolean');
    assert.equal(typeof m.read_seq, 'number');
  }
  const left = await c.api('POST', `/api/rooms/${r.id}/leave`, undefined, bob.token);
  assert.equal(left.status, 204);
  const after = data(await c.api('GET', `/api/rooms/${r.id}/members`, undefined, alice.token), 200, 'members');
  assert.deepEqual(after.map((m) => m.id), [alice.user_id], 'bob left');
});
