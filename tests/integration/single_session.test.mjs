// SINGLE_SESSION (API.md): a user's new realtime connection (WebSocket /api/ws or the
// per-user stream /api/events) ends the older ones: `kicked`, then close 4001 (or the
// SSE stream ends). Off by default: then connections coexist.
import assert from 'node:assert/strict';
import { after, before, describe, test } from './lib/test.mjs';
import { startServer } from './lib/server.mjs';
import { RawHttp, WAIT_MS, clientFor, data, eventually, httpRequest } from './lib/client.mjs';

const open = [];
function keep(x) {
  open.push(x);
  return x;
}
after(async () => {
  for (const x of open) x.terminate?.() ?? x.close?.();
});

// A round trip on the connection: it is open and served.
async function pingPong(w, what) {
  w.send({ type: 'ping' });
  await w.next((f) => f.type === 'pong', undefined, `pong on ${what}`);
}

// A DM from `from` to `to` by REST; returns the stored message.
async function dm(c, from, to, text) {
  const room = data(await c.api('POST', `/api/dm/${to.user_id}`, undefined, from.token));
  return c.post(from.token, room.id, text);
}

describe('with SINGLE_SESSION on', () => {
  let srv;
  let c;
  before(async () => {
    // Two shards: the connections of one user land on different io_contexts.
    srv = await startServer({ env: { SINGLE_SESSION: 'true', THREADS: '2' } });
    c = clientFor(srv);
  });
  after(async () => {
    await srv?.close();
  });

  test('a second WebSocket of a user kicks the first: kicked, then close 4001', async () => {
    const ada = await c.guest('Kick Ada');
    const bob = await c.guest('Kick Bob');
    const first = keep(await c.wsConnect(ada.token, { name: 'ada-1' }));
    await pingPong(first, 'the first connection');
    const other = keep(await c.wsConnect(bob.token, { name: 'bob' }));
    await pingPong(other, "another user's connection");

    const second = keep(await c.wsConnect(ada.token, { name: 'ada-2' }));
    const kicked = await first.next((f) => f.type === 'kicked', undefined, 'the kicked frame');
    assert.equal(typeof kicked.reason, 'string');
    assert.ok(kicked.reason.length > 0, 'kicked carries a reason');
    const closed = await first.closed;
    assert.equal(closed.code, 4001, `close code: ${JSON.stringify(closed)}`);
    assert.ok(closed.reason.length > 0, 'the close frame carries a reason');
    const types = first.all.map((f) => f.type);
    assert.equal(types[types.length - 1], 'kicked', `kicked is the last frame: ${types}`);

    // The new connection works, and is told nothing.
    await pingPong(second, 'the second connection');
    second.send({ type: 'chat', to_user_id: bob.user_id, content: 'still here', client_id: 'k-1' });
    await second.next((f) => f.type === 'ack' && f.client_id === 'k-1', undefined, 'the ack');
    const got = await other.next((f) => f.type === 'chat', undefined, "bob's chat frame");
    assert.equal(got.content, 'still here');
    assert.ok(!second.all.some((f) => f.type === 'kicked'), 'the new connection is not kicked');
    // Another user's connection is untouched.
    await pingPong(other, "another user's connection");
    assert.ok(!other.all.some((f) => f.type === 'kicked'));
    assert.ok(other.isOpen && second.isOpen);
  });

  test('each new connection kicks every older one, and only those', async () => {
    const ada = await c.guest('Chain Ada');
    const a1 = keep(await c.wsConnect(ada.token, { name: 'a1' }));
    await pingPong(a1, 'a1');
    const a2 = keep(await c.wsConnect(ada.token, { name: 'a2' }));
    assert.equal((await a1.closed).code, 4001);
    await pingPong(a2, 'a2');
    const a3 = keep(await c.wsConnect(ada.token, { name: 'a3' }));
    assert.equal((await a2.closed).code, 4001);
    await pingPong(a3, 'a3');
    assert.ok(a3.isOpen);
    assert.ok(!a3.all.some((f) => f.type === 'kicked'));
  });

  test('a new /api/events stream kicks the older one, which gets `kicked` and ends', async () => {
    const ada = await c.guest('Stream Kick Ada');
    const bob = await c.guest('Stream Kick Bob');
    const first = keep(await c.sseConnect('/api/events', { token: ada.token, name: 'ada-sse-1' }));
    const other = keep(await c.sseConnect('/api/events', { token: bob.token, name: 'bob-sse' }));
    // Both streams are live: a DM reaches each (no sleep stands for "subscribed").
    await dm(c, bob, ada, 'to ada 1');
    await first.next((r) => r.event === 'chat', undefined, 'a DM on the first stream');
    await dm(c, ada, bob, 'to bob 1');
    await other.next((r) => r.event === 'chat', undefined, "a DM on bob's stream");

    const second = keep(await c.sseConnect('/api/events', { token: ada.token, name: 'ada-sse-2' }));
    const kicked = await first.next((r) => r.event === 'kicked', undefined, 'the kicked event');
    assert.ok(kicked.json && typeof kicked.json.reason === 'string' && kicked.json.reason.length > 0,
      `kicked data: ${kicked.data}`);
    assert.equal(kicked.id, undefined, 'kicked is transient: no id');
    assert.deepEqual(await first.ended, { ended: 'eof' }, 'the stream ends after kicked');
    // A long retry right before it: an EventSource that ignores `kicked` does not
    // come straight back and kick the new stream in turn.
    const all = first.all;
    const at = all.indexOf(kicked);
    const retry = all.slice(0, at).reverse().find((r) => r.retry !== undefined);
    assert.ok(retry && Number(retry.retry) >= 600_000, `a long retry before kicked: ${JSON.stringify(all)}`);
    assert.ok(!all.slice(at + 1).some((r) => r.event !== undefined), 'nothing after kicked');

    // The new stream carries DMs; bob's is untouched.
    await dm(c, bob, ada, 'to ada 2');
    const got = await second.next((r) => r.event === 'chat' && r.json?.content === 'to ada 2',
      undefined, 'the DM on the new stream');
    assert.equal(got.json.from_user_id, bob.user_id);
    assert.ok(!second.all.some((r) => r.event === 'kicked'));
    await dm(c, ada, bob, 'to bob 2');
    await other.next((r) => r.event === 'chat' && r.json?.content === 'to bob 2', undefined, "bob's DM");
    assert.ok(!other.all.some((r) => r.event === 'kicked'));
  });

  test('a WebSocket and /api/events of one user kick each other, newest wins', async () => {
    const ada = await c.guest('Mixed Ada');
    const stream = keep(await c.sseConnect('/api/events', { token: ada.token, name: 'ada-sse' }));
    await eventually(async () => data(await c.api('GET', '/api/online', undefined, ada.token)).includes(ada.user_id),
      'ada online through her stream');
    const w = keep(await c.wsConnect(ada.token, { name: 'ada-ws' }));
    await stream.next((r) => r.event === 'kicked', undefined, 'the stream kicked by the WebSocket');
    await stream.ended;
    await pingPong(w, 'the WebSocket');
    const again = keep(await c.sseConnect('/api/events', { token: ada.token, name: 'ada-sse-2' }));
    await w.next((f) => f.type === 'kicked', undefined, 'the WebSocket kicked by the new stream');
    assert.equal((await w.closed).code, 4001);
    assert.ok(!again.all.some((r) => r.event === 'kicked'));
  });

  test("a room's event stream neither kicks nor is kicked", async () => {
    const ada = await c.guest('Room Ada');
    const room = await c.createRoom(ada.token, 'single-session-room');
    const w = keep(await c.wsConnect(ada.token, { name: 'ada-ws' }));
    await pingPong(w, 'the WebSocket');
    const roomStream = keep(await c.sseConnect(`/api/rooms/${room.id}/events`, { token: ada.token }));
    const posted = await c.post(ada.token, room.id, 'hello room');
    await roomStream.next((r) => r.id === String(posted.seq), undefined, 'the message on the room stream');
    await pingPong(w, 'the WebSocket after the room stream opened');
    const w2 = keep(await c.wsConnect(ada.token, { name: 'ada-ws-2' }));
    assert.equal((await w.closed).code, 4001);
    const next = await c.post(ada.token, room.id, 'still streaming');
    await roomStream.next((r) => r.id === String(next.seq), undefined, 'the room stream is not kicked');
    assert.ok(!roomStream.all.some((r) => r.event === 'kicked'));
    await pingPong(w2, 'the second WebSocket');
  });
});

describe('with SINGLE_SESSION off (the default)', () => {
  let srv;
  let c;
  before(async () => {
    srv = await startServer({ env: { THREADS: '2' } });
    c = clientFor(srv);
  });
  after(async () => {
    await srv?.close();
  });

  test('two WebSockets and two /api/events streams of one user coexist', async () => {
    const ada = await c.guest('Many Ada');
    const bob = await c.guest('Many Bob');
    const w1 = keep(await c.wsConnect(ada.token, { name: 'w1' }));
    const s1 = keep(await c.sseConnect('/api/events', { token: ada.token, name: 's1' }));
    const w2 = keep(await c.wsConnect(ada.token, { name: 'w2' }));
    const s2 = keep(await c.sseConnect('/api/events', { token: ada.token, name: 's2' }));
    await dm(c, bob, ada, 'to every connection');
    for (const w of [w1, w2]) {
      await w.next((f) => f.type === 'chat' && f.content === 'to every connection', undefined, `chat on ${w.name}`);
      await pingPong(w, w.name);
    }
    for (const s of [s1, s2]) {
      await s.next((r) => r.event === 'chat' && r.json?.content === 'to every connection', undefined, `chat on ${s.name}`);
    }
    for (const x of [w1, w2, s1, s2]) assert.ok(!x.all.some((f) => f.type === 'kicked' || f.event === 'kicked'));
    assert.ok(w1.isOpen && w2.isOpen);
  });
});

describe('an ending stream whose client stopped reading', () => {
  let srv;
  let c;
  before(async () => {
    // A queue large enough that the stream is not dropped as a slow subscriber
    // first: what ends it here must be the close timeout.
    srv = await startServer({ env: { SINGLE_SESSION: 'true', MAX_QUEUE_BYTES: String(64 << 20) } });
    c = clientFor(srv);
  });
  after(async () => {
    await srv?.close();
  });

  // parley_connections_open{transport="sse"} from /metrics.
  async function sseOpen() {
    const res = await httpRequest(`${srv.url}/metrics`);
    const line = res.text.split('\n').find((l) => l.startsWith('parley_connections_open{transport="sse"}'));
    assert.ok(line, `/metrics has the SSE connections gauge: ${res.text.slice(0, 300)}`);
    return Number(line.split(' ')[1]);
  }

  test('is closed k_close_timeout after it was kicked, its unsent tail dropped', async () => {
    const ada = await c.guest('Stalled Ada');
    const bob = await c.guest('Busy Bob');
    const room = data(await c.api('POST', `/api/dm/${ada.user_id}`, undefined, bob.token));
    await c.post(bob.token, room.id, 'first');
    // Ada's stream on a raw socket, so that it can stop reading.
    const raw = await RawHttp.open(srv);
    raw.sock.write(`GET /api/events HTTP/1.1\r\nHost: ${raw.host}\r\nAccept: text/event-stream\r\n` +
      `Authorization: Bearer ${ada.token}\r\n\r\n`);
    const deadline = Date.now() + WAIT_MS;
    while (!raw.buf.includes('event: unread')) await raw.waitData('the unread snapshot', deadline);
    raw.sock.pause();
    // ~12 MB of DMs: more than the kernel's socket buffers hold, so the server's
    // writes to Ada's stream stay pending.
    const bobWs = keep(await c.wsConnect(bob.token, { name: 'bob' }));
    const body = 'y'.repeat(4000);
    const pending = [];
    for (let i = 0; i < 3000; i++) {
      bobWs.send({ type: 'send', room: room.id, text: `${i} ${body}`, client_id: `fill-${i}` });
      pending.push(bobWs.ack(`fill-${i}`, WAIT_MS * 2));
      if (pending.length >= 16) await pending.shift();
    }
    await Promise.all(pending);
    assert.equal(await sseOpen(), 1, "Ada's stalled stream is still open");
    // A second stream of Ada's kicks the first, whose `kicked` is queued behind
    // megabytes its client does not read.
    const second = keep(await c.sseConnect('/api/events', { token: ada.token, name: 'ada-2' }));
    await eventually(async () => (await sseOpen()) === 1 && second.all.length > 0,
      'the stalled stream to be closed (only the new one open)', WAIT_MS * 2);
    raw.sock.resume();
    while (!raw.closed) await raw.waitData('the end of the stalled stream', Date.now() + WAIT_MS);
    const text = raw.buf.toString('utf8');
    assert.ok(!text.includes('event: kicked'), 'the kick was still queued when the stream was closed');
    const ids = [...text.matchAll(/^id: (.+)$/gm)].map((m) => m[1]);
    assert.ok(ids.length > 0 && ids.length < 3000, `the client got part of the DMs: ${ids.length}`);
    assert.ok(!second.all.some((x) => x.event === 'kicked'), 'the new stream is not kicked');
  });
});
