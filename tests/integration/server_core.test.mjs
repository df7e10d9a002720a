// The HTTP and WebSocket core (src/http, src/transport/ws_session.cpp): request
// limits, the idle keep-alive timeout, the WebSocket pong deadline, and the small
// frames (unsubscribe, ping) and their field checks.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from './lib/test.mjs';
import { TIME_SCALE, startServer, withTimeout } from './lib/server.mjs';
import { RawHttp, clientFor, data, eventually, unique } from './lib/client.mjs';

// Small limits and short timeouts, so each is reached quickly.
const ENV = { MAX_HEADER_BYTES: '2048', MAX_BODY_BYTES: '4096', MAX_MSG_SIZE_BYTE: '1024' };

let srv;
let c;
before(async () => {
  srv = await startServer({ env: ENV, label: 'core' });
  c = clientFor(srv);
});
after(async () => {
  await srv?.close();
});

test('request headers past MAX_HEADER_BYTES get 431 and the connection closes; headers within it are fine', async () => {
  const small = await RawHttp.open(srv);
  try {
    const ok = await small.request('GET', '/health', { headers: { 'X-Pad': 'a'.repeat(1500) } });
    assert.equal(ok.status, 200, `headers under the limit: HTTP ${ok.status} ${ok.text.slice(0, 200)}`);
  } finally {
    small.close();
  }
  const big = await RawHttp.open(srv);
  try {
    const res = await big.request('GET', '/health', { headers: { 'X-Pad': 'a'.repeat(3000) } });
    assert.equal(res.status, 431, `headers over the limit: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    // Nothing more is read from a connection whose request could not be parsed.
    await eventually(() => big.closed, 'the server to close the connection after a 431');
  } finally {
    big.close();
  }
  data(await c.api('GET', '/api/me', undefined, (await c.guest('After431')).token), 200, 'the server is fine afterwards');
});

test('a body of exactly MAX_BODY_BYTES is read; one byte more gets 413', async () => {
  const g = await c.guest('Body Bo');
  // A JSON body padded with spaces to an exact size: the limit is on bytes, so
  // the first is parsed (and refused for its unknown field, 400), the second is
  // not read at all (413).
  const json = JSON.stringify({ name: 'x', pad: '' });
  const exact = json + ' '.repeat(4096 - json.length);
  const conn = await RawHttp.open(srv);
  try {
    const headers = { authorization: `Bearer ${g.token}`, 'content-type': 'application/json' };
    const atLimit = await conn.request('POST', '/api/rooms', { headers, body: exact });
    assert.equal(atLimit.status, 400, `a ${exact.length}-byte body: HTTP ${atLimit.status} ${atLimit.text.slice(0, 200)}`);
    assert.match(atLimit.body?.message ?? '', /pad/, 'the body was parsed: the error names the unknown field');
    const over = await conn.request('POST', '/api/rooms', { headers, body: exact + ' ' });
    assert.equal(over.status, 413, `a ${exact.length + 1}-byte body: HTTP ${over.status} ${over.text.slice(0, 200)}`);
  } finally {
    conn.close();
  }
});

test('IDLE_TIMEOUT_SECONDS closes an idle keep-alive connection, not one in use', async () => {
  const idle = await startServer({ env: { IDLE_TIMEOUT_SECONDS: '1' }, label: 'idle-timeout' });
  try {
    const conn = await RawHttp.open(idle);
    const closed = new Promise((r) => conn.sock.once('close', () => r(Date.now())));
    // Requests spaced under the timeout keep the connection: each resets it.
    for (let i = 0; i < 3; i++) {
      const res = await conn.request('GET', '/health');
      assert.equal(res.status, 200, `request ${i} on the kept-alive connection`);
      assert.ok(!conn.closed, `still open after request ${i}`);
      await new Promise((r) => setTimeout(r, 400));
    }
    const lastAnswer = Date.now();
    const at = await withTimeout(closed, 5000 * TIME_SCALE, null);
    assert.ok(at, 'the idle connection is closed by the server');
    assert.ok(at - lastAnswer >= 500, `closed ${at - lastAnswer} ms after the last request: not before the timeout`);
  } finally {
    await idle.close();
  }
});

// A WebSocket client on a raw socket: it never answers pings (nor anything else).
function silentWebSocket(target, token) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port: target.port, host: '127.0.0.1' }, () => {
      sock.write(`GET /api/ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
      resolve(conn);
    });
    const conn = { sock, data: Buffer.alloc(0) };
    conn.closed = new Promise((r) => sock.on('close', () => r(Date.now())));
    sock.on('data', (d) => { conn.data = Buffer.concat([conn.data, d]); });
    sock.on('error', () => {});
    sock.once('error', reject);
  });
}

// The opcodes of the server frames after the 101 (unmasked, short payloads).
function serverOpcodes(buf) {
  const start = buf.indexOf('\r\n\r\n');
  if (start < 0) return [];
  const out = [];
  for (let i = start + 4; i + 2 <= buf.length;) {
    const len = buf[i + 1] & 0x7f;
    if (len > 125) break; // not expected here
    out.push(buf[i] & 0x0f);
    i += 2 + len;
  }
  return out;
}

test('WS_PONG_TIMEOUT_SECONDS: a WebSocket that never answers pings is closed; one that answers stays', async () => {
  // Pings after 1 s of silence, closes after 4: an answering client has 2-3 s for its
  // pong even when the shard's 1 s tick sends the ping late, enough under ASan.
  const quick = await startServer({
    env: { WS_PONG_TIMEOUT_SECONDS: '4', WS_PING_SECONDS: '1' }, label: 'pong-timeout',
  });
  try {
    const qc = clientFor(quick);
    const g = await qc.guest('Quiet Quinn');
    const live = await qc.wsConnect(g.token, { name: 'answers-pings' });
    let pings = 0;
    live.ws.on('ping', () => { pings += 1; }); // ws answers each with a pong itself
    const mute = await silentWebSocket(quick, g.token);
    const opened = Date.now();
    const at = await withTimeout(mute.closed, 10_000 * TIME_SCALE, null);
    assert.ok(at, 'the silent WebSocket is closed');
    assert.ok(at - opened >= 3500, `closed after ${at - opened} ms: not before the 4 s deadline`);
    assert.ok(mute.data.toString('latin1').startsWith('HTTP/1.1 101'), 'it was upgraded');
    assert.ok(serverOpcodes(mute.data).includes(0x9), `it was pinged first: opcodes ${serverOpcodes(mute.data)}`);
    // The answering one lives through several deadlines: pings keep coming and
    // it still works.
    const until = Date.now() + 10_000 * TIME_SCALE;
    while (pings < 3) {
      assert.ok(Date.now() < until, `only ${pings} pings reached the answering client`);
      assert.ok(live.isOpen, `the answering client was closed after ${pings} pings`);
      await new Promise((r) => setTimeout(r, 100));
    }
    live.send({ type: 'ping' });
    await live.next((f) => f.type === 'pong', undefined, 'a pong on the answering client');
    assert.ok(live.isOpen);
    await live.close();
  } finally {
    await quick.close();
  }
});

test('{type:"ping"} is answered {type:"pong"}', async () => {
  const g = await c.guest('Ping Pia');
  const w = await c.wsConnect(g.token, { name: 'ping' });
  try {
    w.send({ type: 'ping' });
    const f = await w.next((x) => x.type === 'pong' || x.type === 'error', undefined, 'the pong');
    assert.deepEqual(f, { type: 'pong' });
  } finally {
    await w.close();
  }
});

test('unsubscribe stops a room\'s events on that connection; other rooms still arrive', async () => {
  const g = await c.guest('Unsub Uma');
  const a = await c.createRoom(g.token, unique('unsub-a'), 'public');
  const b = await c.createRoom(g.token, unique('unsub-b'), 'public');
  const w = await c.wsConnect(g.token, { name: 'unsub' });
  try {
    w.subscribe(a.id);
    w.subscribe(b.id);
    await w.next((f) => f.type === 'subscribed' && f.room === a.id, undefined, 'subscribed to a');
    await w.next((f) => f.type === 'subscribed' && f.room === b.id, undefined, 'subscribed to b');
    const m1 = await c.post(g.token, a.id, 'a before');
    await w.event(a.id, m1.seq);

    w.send({ type: 'unsubscribe', room: a.id });
    // Frames are handled in order: the pong means the unsubscribe was done.
    w.send({ type: 'ping' });
    await w.next((f) => f.type === 'pong', undefined, 'the pong after the unsubscribe');
    const m2 = await c.post(g.token, a.id, 'a after');
    const m3 = await c.post(g.token, b.id, 'b after');
    await w.event(b.id, m3.seq);
    // One more round trip, so anything for room a would have arrived by now.
    w.send({ type: 'ping' });
    await w.next((f) => f.type === 'pong', undefined, 'a second pong');
    assert.deepEqual(w.all.filter((f) => f.room === a.id && f.seq === m2.seq), [],
      'no event of the unsubscribed room arrives');
    assert.deepEqual(w.inbox.peek((f) => f.type === 'error'), [], 'no error');

    // Subscribing again resumes from where the client says.
    w.subscribe(a.id, m1.seq);
    assert.equal((await w.event(a.id, m2.seq)).seq, m2.seq);
  } finally {
    await w.close();
  }
});

test('unsubscribe with a bad room or an unknown field gets an error frame; the connection stays', async () => {
  const g = await c.guest('Unsub Ugo');
  const r = await c.createRoom(g.token, unique('unsub-bad'), 'public');
  const w = await c.wsConnect(g.token, { name: 'unsub-bad' });
  try {
    w.send({ type: 'unsubscribe' });
    const missing = await w.next((f) => f.type === 'error', undefined, 'error for a missing room');
    assert.equal(missing.code, 400);
    assert.match(missing.content, /room/);
    w.send({ type: 'unsubscribe', room: r.id, rooms: [r.id] });
    const extra = await w.next((f) => f.type === 'error', undefined, 'error for an unknown field');
    assert.equal(extra.code, 400);
    assert.match(extra.content, /rooms/);
    w.send({ type: 'unsubscribe', room: 'no such room!' });
    const bad = await w.next((f) => f.type === 'error', undefined, 'error for a malformed room id');
    assert.equal(bad.code, 404);
    w.send({ type: 'ping' });
    await w.next((f) => f.type === 'pong', undefined, 'the connection still works');
  } finally {
    await w.close();
  }
});

test('frames that carry only a type refuse unknown fields, naming them, and the connection stays open', async () => {
  const g = await c.guest('Strict Stu');
  const w = await c.wsConnect(g.token, { name: 'strict' });
  try {
    for (const type of ['ping', 'get_online_list', 'get_offline', 'leave_match', 'match']) {
      w.send({ type, extra_field: 1 });
      const f = await w.next((x) => x.type === 'error', undefined, `the error for ${type} with an extra field`);
      assert.equal(f.code, 400, `${type}: ${JSON.stringify(f)}`);
      assert.match(f.content, /extra_field/, `${type}: the error names the field: ${JSON.stringify(f)}`);
      assert.ok(w.isOpen, `open after ${type}`);
    }
    // Nothing else was done for them: no pong, list or queue state.
    assert.deepEqual(w.all.filter((x) => ['pong', 'online_list', 'offline_list', 'waiting', 'matched'].includes(x.type)), []);
    // And the same frames without the extra field work.
    w.send({ type: 'ping' });
    await w.next((x) => x.type === 'pong', undefined, 'pong');
    w.send({ type: 'get_online_list' });
    const list = await w.next((x) => x.type === 'online_list', undefined, 'online list');
    assert.ok(list.data.includes(g.user_id), `the caller is online: ${JSON.stringify(list)}`);
    w.send({ type: 'get_offline' });
    await w.next((x) => x.type === 'offline_list', undefined, 'offline list');
    w.send({ type: 'leave_match' });
    w.send({ type: 'ping' });
    await w.next((x) => x.type === 'pong', undefined, 'pong after leave_match');
    assert.deepEqual(w.inbox.peek((x) => x.type === 'error'), [], 'no errors for the well-formed frames');
  } finally {
    await w.close();
  }
});
