// Live delivery: WebSocket and SSE subscribers, ordering, acks, and resume
// (Last-Event-ID, ?since=, subscribe since) including the retention reset.
import assert from 'node:assert/strict';
import { after, before, test } from './lib/test.mjs';
import { startServer } from './lib/server.mjs';
import { execFileSync } from 'node:child_process';
import { clientFor, data, eventually, unique } from './lib/client.mjs';

let srv;
let c;
let alice;
let bob;
const open = []; // clients to close at the end, whatever happens
before(async () => {
  srv = await startServer();
  c = clientFor(srv);
  alice = await c.guest('Alice');
  bob = await c.guest('Bob');
});
after(async () => {
  for (const x of open) await x.close().catch(() => {});
  await srv?.close();
});

const range = (from, to) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const track = (x) => (open.push(x), x);

async function ws(user, name) {
  return track(await c.wsConnect(user.token, { name }));
}

async function sse(roomId, opts) {
  return track(await c.sseConnect(`/api/rooms/${roomId}/events`, opts));
}

// A public room with alice (owner) and bob in it; returns it with its last seq.
async function sharedRoom(prefix) {
  const r = await c.createRoom(alice.token, unique(prefix), 'public');
  await c.join(bob.token, r.id);
  return { ...r, last: (await c.room(alice.token, r.id)).last_seq };
}

test('two WebSocket subscribers see the same events in the same dense order', async () => {
  const r = await sharedRoom('order');
  const wa = await ws(alice, 'ws-alice');
  const wb = await ws(bob, 'ws-bob');
  wa.subscribe(r.id, r.last);
  wb.subscribe(r.id, r.last);
  const N = 50;
  const sent = [];
  for (let i = 0; i < N; i++) {
    const [w, who] = i % 2 === 0 ? [wa, 'a'] : [wb, 'b'];
    const clientId = `order-${who}-${i}`;
    sent.push(clientId);
    w.send({ type: 'send', room: r.id, text: `message ${i} from ${who}`, client_id: clientId });
  }
  const evA = await wa.events(r.id, N);
  const evB = await wb.events(r.id, N);
  const seqA = evA.map((e) => e.seq);
  assert.deepEqual(seqA, range(r.last + 1, r.last + N), 'alice: dense seqs in order');
  assert.deepEqual(evB.map((e) => e.seq), seqA, 'bob: the same seqs as alice');
  assert.deepEqual(evB.map((e) => e.data), evA.map((e) => e.data), 'bob: the same events as alice');
  assert.deepEqual(evA.map((e) => e.data.client_id).sort(), [...sent].sort(), 'every send became one event');
  // Each sender's acks name the seqs of its own messages.
  for (const [w, who] of [[wa, 'a'], [wb, 'b']]) {
    const mine = sent.filter((id) => id.startsWith(`order-${who}-`));
    const acks = await w.take((f) => f.type === 'ack', mine.length, undefined, `acks for ${who}`);
    for (const a of acks) {
      const ev = evA.find((e) => e.data.client_id === a.client_id);
      assert.ok(ev, `ack for an unknown client_id ${a.client_id}`);
      assert.equal(a.seq, ev.seq, `ack seq of ${a.client_id}`);
      assert.equal(a.room, r.id);
    }
    assert.deepEqual(acks.map((a) => a.client_id).sort(), [...mine].sort());
  }
  // Nothing more arrived for this room (no duplicates).
  assert.deepEqual(wa.inbox.peek((f) => f.type === 'event' && f.room === r.id), []);
  assert.deepEqual(wb.inbox.peek((f) => f.type === 'event' && f.room === r.id), []);
});

test('a WebSocket send is acknowledged {type:"ack", client_id, room, seq} before its event arrives', async () => {
  const r = await sharedRoom('ack');
  const wa = await ws(alice, 'ws-ack');
  wa.subscribe(r.id, r.last);
  wa.send({ type: 'send', room: r.id, text: 'ack me', client_id: 'ack-1' });
  const ack = await wa.ack('ack-1');
  assert.equal(ack.client_id, 'ack-1');
  assert.equal(ack.room, r.id);
  assert.equal(ack.seq, r.last + 1, `ack seq: ${JSON.stringify(ack)}`);
  const ev = await wa.event(r.id, ack.seq);
  const all = wa.all;
  assert.ok(all.indexOf(ack) < all.indexOf(ev), `the ack comes first: ${JSON.stringify(all)}`);
  assert.equal(ev.kind, 'message');
  assert.equal(ev.data.kind, 'message');
  assert.equal(ev.data.seq, ack.seq);
  assert.equal(ev.data.room, r.id);
  assert.equal(ev.data.text, 'ack me');
  assert.equal(ev.data.client_id, 'ack-1');
  assert.equal(ev.data.author.id, alice.user_id);
  // The WebSocket event is the same object REST history returns.
  const hist = await c.allEvents(alice.token, r.id);
  assert.deepEqual(ev.data, hist.find((e) => e.seq === ack.seq));
});

test('the SSE JSON stream sends retry: once, id: <seq>, and the event kind as the event name', async () => {
  const r = await sharedRoom('sse');
  const s = await sse(r.id, { token: bob.token, since: r.last });
  const m = await c.post(alice.token, r.id, 'sse one');
  const e = data(await c.api('PATCH', `/api/rooms/${r.id}/messages/${m.seq}`, { text: 'sse one, edited' }, alice.token));
  const x = data(await c.api('POST', `/api/rooms/${r.id}/messages/${m.seq}/reactions`, { emoji: '🎉' }, bob.token));
  const d = data(await c.api('DELETE', `/api/rooms/${r.id}/messages/${m.seq}`, undefined, alice.token));
  const got = await s.stored(4);
  assert.deepEqual(got.map((g) => g.id), [m, e, x, d].map((v) => String(v.seq)), 'id: lines carry the seqs');
  assert.deepEqual(got.map((g) => g.event), ['message', 'edit', 'reaction', 'delete'], 'event: names are the kinds');
  assert.deepEqual(got.map((g) => g.json), [m, e, x, d], 'data: is the event JSON, as REST returns it');
  const retries = s.all.filter((rec) => rec.retry !== undefined);
  assert.equal(retries.length, 1, `one retry: line, got ${JSON.stringify(retries)}`);
  assert.match(retries[0].retry, /^\d+$/);
  assert.ok(s.all.indexOf(retries[0]) <= s.all.indexOf(got[0]), 'retry: comes before the first event');
});

test('the SSE stream also accepts ?token= (for EventSource)', async () => {
  const r = await sharedRoom('sseq');
  const s = await sse(r.id, { token: bob.token, tokenInQuery: true, since: r.last });
  const m = await c.post(alice.token, r.id, 'via query token');
  const [got] = await s.stored(1);
  assert.equal(got.id, String(m.seq));
});

// Resume over SSE: read some, disconnect, miss 20 messages + 1 edit + 1 reaction,
// reconnect from the last seen seq, get exactly those 22 once and in order, then live.
async function resumeScenario(prefix, reconnectOpts) {
  const r = await sharedRoom(prefix);
  const first = await sse(r.id, { token: bob.token, since: r.last });
  const early = [];
  for (let i = 0; i < 3; i++) early.push(await c.post(alice.token, r.id, `early ${i}`));
  const seen = await first.stored(3);
  assert.deepEqual(seen.map((g) => g.id), early.map((m) => String(m.seq)));
  await first.close();
  const lastSeen = Number(seen.at(-1).id);

  const missed = [];
  for (let i = 0; i < 20; i++) missed.push(await c.post(alice.token, r.id, `missed ${i}`, { client_id: `${prefix}-m${i}` }));
  missed.push(data(await c.api('PATCH', `/api/rooms/${r.id}/messages/${early[0].seq}`, { text: 'early 0, edited' },
    alice.token), 200, 'edit while away'));
  missed.push(data(await c.api('POST', `/api/rooms/${r.id}/messages/${early[1].seq}/reactions`, { emoji: '👀' },
    alice.token), 200, 'react while away'));

  const second = await sse(r.id, { token: bob.token, ...reconnectOpts(lastSeen) });
  const replay = await second.stored(22);
  assert.deepEqual(replay.map((g) => Number(g.id)), range(lastSeen + 1, lastSeen + 22), 'the missed seqs, in order');
  assert.deepEqual(replay.map((g) => g.json), missed, 'the missed events, as stored');
  assert.deepEqual(replay.map((g) => g.event), [...Array(20).fill('message'), 'edit', 'reaction']);

  const live = await c.post(alice.token, r.id, 'live after resume');
  const [next] = await second.stored(1);
  assert.equal(Number(next.id), live.seq, 'then live events');
  assert.equal(live.seq, lastSeen + 23);
  const ids = second.all.filter((g) => g.id !== undefined).map((g) => Number(g.id));
  assert.deepEqual(ids, range(lastSeen + 1, lastSeen + 23), 'each event exactly once');
}

test('an SSE client resuming with Last-Event-ID gets exactly the missed events once, in order, then live ones',
  () => resumeScenario('resume-hdr', (seq) => ({ lastEventId: seq })));

test('an SSE client resuming with ?since= gets exactly the missed events once, in order, then live ones',
  () => resumeScenario('resume-since', (seq) => ({ since: seq })));

test('Last-Event-ID wins over ?since=', async () => {
  const r = await sharedRoom('both');
  const ms = [];
  for (let i = 0; i < 4; i++) ms.push(await c.post(alice.token, r.id, `both ${i}`));
  const s = await sse(r.id, { token: bob.token, lastEventId: ms[2].seq, since: ms[0].seq });
  const [got] = await s.stored(1);
  assert.equal(Number(got.id), ms[3].seq, 'resumed from Last-Event-ID, not from since');
});

test('a WebSocket subscribe with since replays the missed events, then live ones', async () => {
  const r = await sharedRoom('wssince');
  const posted = [];
  for (let i = 0; i < 10; i++) posted.push(await c.post(alice.token, r.id, `before subscribe ${i}`));
  const wb = await ws(bob, 'ws-since');
  const since = posted[3].seq;
  wb.subscribe(r.id, since);
  const replay = await wb.events(r.id, 6);
  assert.deepEqual(replay.map((e) => e.seq), posted.slice(4).map((m) => m.seq));
  assert.deepEqual(replay.map((e) => e.data), posted.slice(4));
  const live = await c.post(alice.token, r.id, 'live');
  const [ev] = await wb.events(r.id, 1);
  assert.equal(ev.seq, live.seq);
  assert.deepEqual(wb.inbox.peek((f) => f.type === 'event'), [], 'no duplicates');
});

test('a WebSocket subscribe to a private room by a non-member gets an error frame, not events', async () => {
  const priv = await c.createRoom(alice.token, unique('wspriv'), 'private');
  await c.post(alice.token, priv.id, 'secret');
  const wb = await ws(bob, 'ws-priv');
  wb.subscribe(priv.id, 0);
  const err = await wb.next((f) => f.type === 'error' || f.type === 'event', undefined, 'an error frame');
  assert.equal(err.type, 'error', `got ${JSON.stringify(err)}`);
  assert.ok([403, 404].includes(err.code), `error code ${err.code}`);
  assert.ok(wb.isOpen, 'the connection stays open');
});

test('the page SSE stream carries HTML fragments with user text escaped', async () => {
  const r = await sharedRoom('html');
  const gRes = await c.api('POST', '/api/guest', { name: 'Page Pat' });
  const cookie = String(gRes.headers['set-cookie']).match(/parley_session=[^;]*/)?.[0];
  assert.ok(cookie, 'guest login sets parley_session');
  await c.join(gRes.body.data.token, r.id);
  const last = (await c.room(alice.token, r.id)).last_seq;
  // The page stream lives at /rooms/{id}/events (not under /api), cookie-authenticated.
  const ps = track(await c.sseConnect(`/rooms/${r.id}/events`, { since: last, headers: { cookie } }));
  const evil = '<img src=x onerror="alert(1)"> & <b>bold</b>';
  const m = await c.post(alice.token, r.id, evil);
  const [got] = await ps.stored(1);
  assert.equal(got.id, String(m.seq));
  assert.equal(got.event, 'message');
  assert.ok(!/<img/i.test(got.data) && !/<b>bold/i.test(got.data), `user HTML must be escaped: ${got.data}`);
  assert.ok(/&lt;img/.test(got.data), `the text is shown escaped: ${got.data}`);
});

test('resuming from before retention (MAX_MSGS=5) gets one reset event with earliest_seq', async () => {
  const small = await startServer({ env: { MAX_MSGS: '5' }, label: 'retention' });
  const sc = clientFor(small);
  const clients = [];
  try {
    const a = await sc.guest('Ret Alice');
    const r = await sc.createRoom(a.token, unique('ret'), 'public');
    let last;
    for (let i = 0; i < 20; i++) last = (await sc.post(a.token, r.id, `ret ${i}`)).seq;
    const kept = await sc.allEvents(a.token, r.id);
    assert.ok(kept.length <= 5, `retention keeps at most 5 events, history has ${kept.length}`);
    assert.equal(kept.at(-1).seq, last);

    // SSE
    const s = await sc.sseConnect(`/api/rooms/${r.id}/events`, { token: a.token, since: 1 });
    clients.push(s);
    // The first event of the room's log; transient notices (presence, typing) are
    // not part of it and may come first.
    const transient = new Set(['presence', 'typing']);
    const reset = await s.next((g) => (g.event !== undefined || g.data !== undefined) && !transient.has(g.event),
      undefined, 'the first SSE event of the log');
    assert.equal(reset.event, 'reset', `first event is a reset: ${JSON.stringify(reset)}`);
    const earliest = reset.json?.earliest_seq;
    assert.equal(typeof earliest, 'number', `reset data has earliest_seq: ${reset.data}`);
    assert.ok(earliest > 2 && earliest <= last - 4, `earliest_seq ${earliest} is past the resume point and keeps the last 5`);
    const live = await sc.post(a.token, r.id, 'after reset');
    await s.next((g) => g.id === String(live.seq), undefined, 'the live event after the reset');
    assert.equal(s.all.filter((g) => g.event === 'reset').length, 1, 'exactly one reset');

    // WebSocket
    const w = await sc.wsConnect(a.token, { name: 'ws-ret' });
    clients.push(w);
    w.subscribe(r.id, 1);
    // docs/API.md: reset is {type:"reset", room, earliest_seq}.
    const f = await w.next((x) => x.type === 'reset' || x.type === 'event', undefined, 'a reset frame');
    assert.equal(f.type, 'reset', `the first frame is a reset: ${JSON.stringify(f)}`);
    assert.equal(f.room, r.id);
    assert.equal(typeof f.earliest_seq, 'number', `reset frame has earliest_seq: ${JSON.stringify(f)}`);
    assert.ok(f.earliest_seq > 2 && f.earliest_seq <= live.seq - 4, `earliest_seq ${f.earliest_seq}, last seq ${live.seq}`);
  } finally {
    for (const x of clients) await x.close().catch(() => {});
    await small.close();
  }
});

test('resuming from before retention by age (RETENTION_DAYS=1) gets a reset, also when the whole log aged out', async () => {
  const aged = await startServer({ label: 'retention-days' });
  const ac = clientFor(aged);
  const clients = [];
  try {
    const a = await ac.guest('Aged Alice');
    const r = await ac.createRoom(a.token, unique('aged'), 'public');
    let last;
    for (let i = 0; i < 5; i++) last = (await ac.post(a.token, r.id, `aged ${i}`)).seq;
    // Three days pass (for the log): rewrite its times while the server is down,
    // then start it again with retention on; its own sweep at start-up prunes.
    await aged.stop();
    execFileSync('sqlite3', [aged.dbPath, 'UPDATE events SET created_at = created_at - 3 * 86400000']);
    aged.env.RETENTION_DAYS = '1';
    await aged.restart();
    const page = await eventually(async () => {
      const res = await ac.api('GET', `/api/rooms/${r.id}/messages?after=0`, undefined, a.token);
      return res.status === 200 && res.body.data.earliest_seq === last + 1 ? res.body.data : null;
    }, 'the aged events to be pruned (earliest_seq = last_seq + 1)');
    assert.deepEqual(page.events ?? page.messages ?? [], [], 'nothing is left of the aged log');

    // The whole log is gone: a resume from seq 2 still hears so, at once.
    const w = await ac.wsConnect(a.token, { name: 'ws-aged' });
    clients.push(w);
    w.subscribe(r.id, 2);
    const f = await w.next((x) => x.type === 'reset' || x.type === 'event', undefined, 'a reset frame');
    assert.equal(f.type, 'reset', `the first frame is a reset: ${JSON.stringify(f)}`);
    assert.equal(f.earliest_seq, last + 1);

    // New events are kept; an SSE resume from before them gets reset, then the event.
    const fresh = await ac.post(a.token, r.id, 'fresh');
    assert.equal(fresh.seq, last + 1, 'numbering goes on after the pruned log');
    const s = await ac.sseConnect(`/api/rooms/${r.id}/events`, { token: a.token, since: 2 });
    clients.push(s);
    const transient = new Set(['presence', 'typing']);
    const reset = await s.next((g) => (g.event !== undefined || g.data !== undefined) && !transient.has(g.event),
      undefined, 'the first SSE event of the log');
    assert.equal(reset.event, 'reset', `first event is a reset: ${JSON.stringify(reset)}`);
    assert.equal(reset.json?.earliest_seq, fresh.seq);
    await s.next((g) => g.id === String(fresh.seq), undefined, 'the kept event after the reset');
  } finally {
    for (const x of clients) await x.close().catch(() => {});
    await aged.close();
  }
});

test('a member coming online and going offline is a transient presence event to their rooms', async () => {
  // Fresh users: the others of this file keep connections open until the end.
  const owner = await c.guest('Presence Owner');
  const peer = await c.guest('Presence Peer');
  const r = await c.createRoom(owner.token, unique('presence'), 'public');
  await c.join(peer.token, r.id);
  const before = (await c.room(owner.token, r.id)).last_seq;
  const w = await ws(owner, 'ws-owner');
  w.subscribe(r.id, before);
  await w.next((f) => f.type === 'subscribed', undefined, 'subscribed');
  const s = await sse(r.id, { token: owner.token, since: before });

  const isPeer = (online) => (f) => f.type === 'presence' && f.user_id === peer.user_id && f.online === online;
  const sseIsPeer = (online) => (rec) => rec.event === 'presence' && rec.json?.user_id === peer.user_id &&
    rec.json?.online === online;

  const p = await c.wsConnect(peer.token, { name: 'ws-peer' });
  const on = await w.next(isPeer(true), undefined, 'the peer online over WebSocket');
  assert.deepEqual(on, { type: 'presence', room: r.id, user_id: peer.user_id, online: true });
  const sseOn = await s.next(sseIsPeer(true), undefined, 'the peer online over SSE');
  assert.equal(sseOn.id, undefined, 'a transient event has no id:');
  assert.deepEqual(sseOn.json, { room: r.id, user_id: peer.user_id, online: true });

  await p.close();
  const off = await w.next(isPeer(false), undefined, 'the peer offline over WebSocket');
  assert.deepEqual(off, { type: 'presence', room: r.id, user_id: peer.user_id, online: false });
  await s.next(sseIsPeer(false), undefined, 'the peer offline over SSE');

  // Not a stored event: the log did not move.
  assert.equal((await c.room(owner.token, r.id)).last_seq, before, 'presence is not written to the room log');
});
