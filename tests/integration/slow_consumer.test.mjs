// A slow subscriber never slows the others (API.md guarantee 4): past its bounded
// outgoing buffer (MAX_QUEUE_BYTES) it is disconnected, while a normal subscriber
// receives every event; the slow one then resumes from its last seq, losing nothing.
import assert from 'node:assert/strict';
import { after, before, test } from './lib/test.mjs';
import { startServer, withTimeout } from './lib/server.mjs';
import { WAIT_MS, clientFor, data, eventually, httpRequest, unique } from './lib/client.mjs';

let srv;
let c;
const open = [];
before(async () => {
  srv = await startServer({ env: { MAX_QUEUE_BYTES: '65536' } });
  c = clientFor(srv);
});
after(async () => {
  for (const x of open) await x.close().catch(() => {});
  await srv?.close();
});

// parley_slow_subscriber_disconnects_total as /metrics shows it.
async function slowDisconnects() {
  const res = await httpRequest(`${srv.url}/metrics`);
  assert.equal(res.status, 200);
  const line = res.text.split('\n').find((l) => l.startsWith('parley_slow_subscriber_disconnects_total '));
  assert.ok(line, 'the slow-subscriber disconnect counter is on /metrics');
  return Number(line.split(' ')[1]);
}

const range = (from, to) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

// Sends count messages over the publisher's WebSocket with at most `window` unacked,
// so the publisher itself is a well-behaved client; returns the last acked seq.
async function publish(pub, roomId, from, count, body, window = 8) {
  const pending = [];
  let last = 0;
  for (let i = from; i < from + count; i++) {
    const id = `slow-${i}`;
    pub.send({ type: 'send', room: roomId, text: `${i} ${body}`, client_id: id });
    pending.push(pub.ack(id, WAIT_MS * 2));
    if (pending.length >= window) last = Math.max(last, (await pending.shift()).seq);
  }
  for (const p of pending) last = Math.max(last, (await p).seq);
  return last;
}

test('a subscriber that stops reading is disconnected while a normal one receives every event, dense', async (t) => {
  const pubUser = await c.guest('Publisher');
  const fastUser = await c.guest('Fast');
  const slowUser = await c.guest('Slow');
  const disconnectsBefore = await slowDisconnects();
  const r = await c.createRoom(pubUser.token, unique('slow'), 'public');
  await c.join(fastUser.token, r.id);
  await c.join(slowUser.token, r.id);
  const start = (await c.room(pubUser.token, r.id)).last_seq;

  const fast = await c.wsConnect(fastUser.token, { name: 'fast' });
  const slow = await c.wsConnect(slowUser.token, { name: 'slow' });
  const pub = await c.wsConnect(pubUser.token, { name: 'publisher' });
  open.push(fast, slow, pub);
  fast.subscribe(r.id, start);
  slow.subscribe(r.id, start);
  // The slow client stops reading from its socket: the kernel buffers fill, then
  // the server's queue for it grows past MAX_QUEUE_BYTES.
  slow.ws._socket.pause();

  const body = 'x'.repeat(3000); // ~3 KB per event
  const BATCH = 200;
  const MAX = 3000; // ~9 MB: more than the kernel's socket buffers can hide
  let sent = 0;
  let last = start;
  let fastSeen = [];
  while (sent < MAX) {
    last = await publish(pub, r.id, sent, BATCH, body);
    sent += BATCH;
    // The normal subscriber keeps up, every batch.
    const got = await fast.events(r.id, last - start - fastSeen.length, WAIT_MS * 2);
    fastSeen = fastSeen.concat(got.map((e) => e.seq));
    // Stop early once the server has let go of the slow one (its user is offline).
    const online = data(await c.api('GET', '/api/online', undefined, pubUser.token), 200, 'GET /api/online');
    if (sent >= 600 && !online.includes(slowUser.user_id)) break;
  }
  assert.deepEqual(fastSeen, range(start + 1, last), 'the normal subscriber got every event, dense, in order');
  assert.equal(last - start, sent, 'every send was stored');

  // Let the slow client read what reached it: a dense prefix, then the close.
  slow.ws._socket.resume();
  const closed = await withTimeout(slow.closed, WAIT_MS, null);
  const slowSeqs = slow.all.filter((f) => f.type === 'event' && f.room === r.id).map((f) => f.seq);
  t.diagnostic(`published ${sent} events of ~3 KB; the slow subscriber read ${slowSeqs.length} of them, ` +
    `then ${closed ? `closed with ${closed.code}` : 'was still open'}`);
  assert.ok(closed !== null,
    `the slow subscriber was not disconnected: it is still open after ${sent} events of ~3 KB ` +
    `(it read ${slowSeqs.length} of them once resumed)`);
  assert.ok(slowSeqs.length < sent, `the slow subscriber cannot have received all ${sent} events`);
  assert.deepEqual(slowSeqs, range(start + 1, start + slowSeqs.length), 'what it got is a dense prefix');

  // Resuming from its last seq loses nothing.
  const again = await c.wsConnect(slowUser.token, { name: 'slow-again' });
  open.push(again);
  const resumeFrom = start + slowSeqs.length;
  again.subscribe(r.id, resumeFrom);
  const rest = await again.events(r.id, last - resumeFrom, WAIT_MS * 2);
  assert.deepEqual(rest.map((e) => e.seq), range(resumeFrom + 1, last), 'the resumed subscriber gets the rest');
  assert.ok(fast.isOpen, 'the normal subscriber is still connected');
  assert.ok(pub.isOpen, 'the publisher is still connected');
  // Operators see it: the disconnect was counted.
  await eventually(async () => (await slowDisconnects()) > disconnectsBefore,
    `parley_slow_subscriber_disconnects_total to grow past ${disconnectsBefore}`);
});
