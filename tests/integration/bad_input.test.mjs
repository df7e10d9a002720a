// Limits and bad input (API.md "Limits and bad input"): size limit on every path,
// malformed JSON and UTF-8, bad WebSocket frames, unknown fields, the connection
// cap, the per-user send rate, bad credentials on the upgrade.
import assert from 'node:assert/strict';
import { after, before, test } from './lib/test.mjs';
import { startServer, withTimeout } from './lib/server.mjs';
import { RawHttp, WAIT_MS, clientFor, data, eventually, failed, unique, wsUpgradeStatus } from './lib/client.mjs';

const LIMIT = 1024;

let srv;
let c;
let alice;
let room;
const open = [];
before(async () => {
  srv = await startServer({ env: { MAX_MSG_SIZE_BYTE: String(LIMIT) } });
  c = clientFor(srv);
  alice = await c.guest('Alice');
  room = await c.createRoom(alice.token, unique('bad'), 'public');
});
after(async () => {
  for (const x of open) await x.close().catch(() => {});
  await srv?.close();
});

const messages = async (token, roomId) => (await c.allEvents(token, roomId)).filter((e) => e.kind === 'message');

// Texts of exactly LIMIT bytes in 2- and 4-byte characters, and one byte more.
const atLimit = ['é'.repeat(LIMIT / 2), '🎉'.repeat(LIMIT / 4), 'a'.repeat(LIMIT)];
for (const t of atLimit) assert.equal(Buffer.byteLength(t), LIMIT);
const overLimit = atLimit.map((t) => t + 'a');

test('a message of MAX_MSG_SIZE_BYTE bytes is accepted over REST; one byte more gets 413 and is not stored', async () => {
  const r = await c.createRoom(alice.token, unique('size'), 'public');
  for (const text of atLimit) {
    const m = await c.post(alice.token, r.id, text);
    assert.equal(m.text, text, 'stored as written, not truncated');
  }
  const before = await messages(alice.token, r.id);
  for (const text of overLimit) {
    const res = await c.api('POST', `/api/rooms/${r.id}/messages`, { text }, alice.token);
    failed(res, 413, `POST a ${Buffer.byteLength(text)}-byte message (${[...text].length} characters)`);
  }
  assert.deepEqual(await messages(alice.token, r.id), before, 'nothing stored, nothing truncated');
  // Editing past the limit is refused too.
  const m = before[0];
  failed(await c.api('PATCH', `/api/rooms/${r.id}/messages/${m.seq}`, { text: overLimit[0] }, alice.token), 413,
    'edit to an over-size text');
});

test('over WebSocket an over-size message gets {type:"error", code:413}, is not stored, and the exact limit works', async () => {
  const r = await c.createRoom(alice.token, unique('wssize'), 'public');
  const w = await c.wsConnect(alice.token, { name: 'ws-size' });
  open.push(w);
  for (const [i, text] of overLimit.entries()) {
    w.send({ type: 'send', room: r.id, text, client_id: `over-${i}` });
    const f = await w.next((x) => x.type === 'error' || x.type === 'ack', undefined, `the answer to over-${i}`);
    assert.equal(f.type, 'error', `over-size send answered with ${JSON.stringify(f)}`);
    assert.equal(f.code, 413);
    assert.equal(typeof f.content, 'string', `error frame has content: ${JSON.stringify(f)}`);
  }
  assert.ok(w.isOpen, 'the connection stays open');
  for (const [i, text] of atLimit.entries()) {
    w.send({ type: 'send', room: r.id, text, client_id: `at-${i}` });
    await w.ack(`at-${i}`);
  }
  const stored = await messages(alice.token, r.id);
  assert.deepEqual(stored.map((m) => m.client_id), ['at-0', 'at-1', 'at-2']);
  assert.deepEqual(stored.map((m) => m.text), atLimit, 'stored as written');
  await w.close();
});

test('a malformed JSON body gets 400 and the keep-alive connection stays usable', async () => {
  const conn = await RawHttp.open(srv);
  try {
    const auth = { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' };
    const path = `/api/rooms/${room.id}/messages`;
    for (const body of ['{"text": "unterminated', '{"text": "a",}', 'not json at all', '', '[1,2']) {
      const res = await conn.request('POST', path, { headers: auth, body });
      assert.equal(res.status, 400, `body ${JSON.stringify(body)}: HTTP ${res.status} ${res.text}`);
      assert.equal(res.body?.code, 400, `envelope: ${res.text}`);
      assert.notEqual(String(res.headers.connection).toLowerCase(), 'close', 'the server keeps the connection');
    }
    const me = await conn.request('GET', '/api/me', { headers: auth });
    assert.equal(me.status, 200, `next request on the same connection: ${me.status} ${me.text}`);
    const ok = await conn.request('POST', path, { headers: auth, body: JSON.stringify({ text: 'after bad json' }) });
    assert.equal(ok.status, 201, `valid POST on the same connection: ${ok.status} ${ok.text}`);
  } finally {
    conn.close();
  }
});

test('invalid UTF-8 in a JSON body gets 400 and the connection stays usable', async () => {
  const conn = await RawHttp.open(srv);
  const r = await c.createRoom(alice.token, unique('utf8'), 'public');
  try {
    const auth = { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' };
    const path = `/api/rooms/${r.id}/messages`;
    const bodies = [
      Buffer.concat([Buffer.from('{"text":"bad '), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      Buffer.concat([Buffer.from('{"text":"overlong '), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
      Buffer.concat([Buffer.from('{"text":"surrogate '), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
      Buffer.concat([Buffer.from('{"text":"truncated '), Buffer.from([0xe2, 0x82]), Buffer.from('"}')]),
      Buffer.from('{"text":"escaped lone surrogate \\ud800"}'),
    ];
    for (const body of bodies) {
      const res = await conn.request('POST', path, { headers: auth, body });
      assert.equal(res.status, 400, `body ${body.toString('hex')}: HTTP ${res.status} ${res.text}`);
    }
    const ok = await conn.request('POST', path, { headers: auth, body: JSON.stringify({ text: 'valid ✓' }) });
    assert.equal(ok.status, 201, `valid POST on the same connection: ${ok.status} ${ok.text}`);
    assert.deepEqual((await messages(alice.token, r.id)).map((m) => m.text), ['valid ✓'], 'only the valid one stored');
  } finally {
    conn.close();
  }
});

test('unknown fields in a REST body get 400 naming the field', async () => {
  const r = await c.createRoom(alice.token, unique('fields'), 'public');
  const res = await c.api('POST', `/api/rooms/${r.id}/messages`, { text: 'hi', colour: 'red' }, alice.token);
  failed(res, 400, 'POST a message with an unknown field');
  assert.match(res.body.message, /colour/, 'the message names the unknown field');
  const res2 = await c.api('POST', '/api/rooms', { name: unique('f'), visibility: 'public', topicc: 'x' }, alice.token);
  failed(res2, 400, 'create a room with an unknown field');
  assert.match(res2.body.message, /topicc/, 'the message names the unknown field');
  assert.deepEqual(await messages(alice.token, r.id), [], 'nothing stored');
});

test('a JSON endpoint given another content type gets 415 and stores nothing', async () => {
  const r = await c.createRoom(alice.token, unique('ctype'), 'public');
  for (const type of ['text/plain', 'application/octet-stream']) {
    const res = await c.api('POST', `/api/rooms/${r.id}/messages`, JSON.stringify({ text: 'plain' }), alice.token,
      { headers: { 'content-type': type } });
    failed(res, 415, `POST a message as ${type}`);
  }
  assert.deepEqual(await messages(alice.token, r.id), [], 'nothing stored');
});

test('a body past MAX_BODY_BYTES gets a 413 the client can read, and the server stays up', async () => {
  // Sent whole over a raw socket, as a client that does not use "Expect:
  // 100-continue" does: the server must answer 413 and close without resetting
  // the connection before the client has read the answer (lingering close).
  const conn = await RawHttp.open(srv);
  try {
    const huge = JSON.stringify({ text: 'x'.repeat(4 * 1024 * 1024) });
    const big = await conn.request('POST', `/api/rooms/${room.id}/messages`, {
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: huge,
    });
    assert.equal(big.status, 413, `a 4 MB body: HTTP ${big.status} ${big.text.slice(0, 300)}`);
    assert.equal(big.body?.code, 413, `envelope: ${big.text.slice(0, 300)}`);
  } finally {
    conn.close();
  }
  data(await c.api('GET', '/api/me', undefined, alice.token), 200, 'the server is fine afterwards');
});

test('a malformed JSON WebSocket frame gets an error frame; the connection stays open and the next send works', async () => {
  const r = await c.createRoom(alice.token, unique('wsjson'), 'public');
  const w = await c.wsConnect(alice.token, { name: 'ws-json' });
  open.push(w);
  for (const bad of ['{"type":"send",', 'not json', '[]', '42', '{"type": 7}', '{}']) {
    w.send(bad);
    const f = await w.next((x) => x.type === 'error', undefined, `an error frame for ${bad}`);
    assert.equal(f.code, 400, `error code for ${bad}: ${JSON.stringify(f)}`);
    assert.equal(typeof f.content, 'string');
    assert.ok(w.isOpen, `open after ${bad}`);
  }
  w.send({ type: 'send', room: r.id, text: 'after the bad frames', client_id: 'good-1' });
  const ack = await w.ack('good-1');
  assert.equal(ack.room, r.id);
  assert.deepEqual(w.inbox.peek((x) => x.type === 'error'), [], 'one error per bad frame');
  await w.close();
});

test('an unknown WebSocket frame type gets an error frame and the connection stays open', async () => {
  const w = await c.wsConnect(alice.token, { name: 'ws-unknown' });
  open.push(w);
  w.send({ type: 'teleport', room: room.id });
  const f = await w.next((x) => x.type === 'error', undefined, 'an error frame for type teleport');
  assert.equal(f.code, 400);
  w.send({ type: 'send', room: room.id, text: 'still here', client_id: 'still-1' });
  await w.ack('still-1');
  w.send({ type: 'send', room: room.id, client_id: 'no-text' });
  const g = await w.next((x) => x.type === 'error' || x.type === 'ack', undefined, 'the answer to a send without text');
  assert.equal(g.type, 'error', `a send without text: ${JSON.stringify(g)}`);
  assert.ok([400, 422].includes(g.code), `error code ${g.code}`);
  await w.close();
});

test('an unknown field in a WebSocket frame gets an error frame naming it, and nothing is stored', async () => {
  const r = await c.createRoom(alice.token, unique('wsfield'), 'public');
  const w = await c.wsConnect(alice.token, { name: 'ws-field' });
  open.push(w);
  w.send({ type: 'send', room: r.id, text: 'hi', clientid: 'typo-1' });
  const f = await w.next((x) => x.type === 'error' || x.type === 'ack', undefined, 'the answer to a send with a typo');
  assert.equal(f.type, 'error', `answered with ${JSON.stringify(f)}`);
  assert.equal(f.code, 400);
  assert.match(f.content, /clientid/, 'the error names the unknown field');
  assert.deepEqual(await messages(alice.token, r.id), [], 'nothing stored');
  await w.close();
});

test('a WebSocket frame that is not UTF-8: binary gets error 400 and stays open, text is closed with 1007', async () => {
  const r = await c.createRoom(alice.token, unique('wsutf8'), 'public');
  const bad = Buffer.concat([Buffer.from(`{"type":"send","room":"${r.id}","text":"`), Buffer.from([0xff, 0xfe]),
    Buffer.from('","client_id":"bad-utf8"}')]);
  const w = await c.wsConnect(alice.token, { name: 'ws-utf8' });
  open.push(w);
  w.ws.send(bad, { binary: true });
  const f = await w.next((x) => x.type === 'error' || x.type === 'ack', undefined, 'the answer to a binary non-UTF-8 frame');
  assert.equal(f.type, 'error', `answered with ${JSON.stringify(f)}`);
  assert.equal(f.code, 400);
  w.send({ type: 'send', room: r.id, text: 'still fine', client_id: 'after-binary' });
  await w.ack('after-binary');

  const t = await c.wsConnect(alice.token, { name: 'ws-utf8-text' });
  open.push(t);
  t.ws.send(bad, { binary: false }); // a text frame with invalid UTF-8: RFC 6455 says fail the connection
  const closed = await withTimeout(t.closed, WAIT_MS, null);
  assert.ok(closed, 'the connection was closed');
  assert.equal(closed.code, 1007, `close code: ${JSON.stringify(closed)}`);
  assert.deepEqual((await messages(alice.token, r.id)).map((m) => m.client_id), ['after-binary'], 'only the valid send stored');
});

test('a WebSocket upgrade with a bad token or none gets 401', async () => {
  assert.equal(await wsUpgradeStatus(srv.wsUrl, 'garbage.token.here'), 401, 'garbage token');
  assert.equal(await wsUpgradeStatus(srv.wsUrl, `${alice.token}x`), 401, 'tampered token');
  assert.equal(await wsUpgradeStatus(srv.wsUrl, undefined), 401, 'no token');
  assert.equal(await wsUpgradeStatus(srv.wsUrl, undefined, { headers: { authorization: `Bearer ${alice.token}` } }), 101,
    'a Bearer header works');
});

test('over MAX_ALLOWED_CONNS=3 a new connection gets 503 and the existing ones keep working', async () => {
  const capped = await startServer({ env: { MAX_ALLOWED_CONNS: '3' }, label: 'capped' });
  const cc = clientFor(capped);
  const conns = [];
  try {
    const a = await cc.guest('Cap A');
    const b = await cc.guest('Cap B');
    const r = await cc.createRoom(a.token, unique('cap'), 'public');
    await cc.join(b.token, r.id);
    const last = (await cc.room(a.token, r.id)).last_seq;
    // The HTTP connections above are closed on our side; the server may take a
    // moment to notice, so each of the three may need a retry until admitted.
    const admit = async (user, name) => {
      let conn;
      await eventually(async () => {
        try {
          conn = await cc.wsConnect(user.token, { name });
          return true;
        } catch (e) {
          if (e.status === 503) return false;
          throw e;
        }
      }, `${name} to be admitted`);
      conns.push(conn);
      return conn;
    };
    const w1 = await admit(a, 'cap-1');
    const w2 = await admit(b, 'cap-2');
    const w3 = await admit(b, 'cap-3');

    assert.equal(await wsUpgradeStatus(capped.wsUrl, a.token), 503, 'a 4th WebSocket connection');
    const plain = await cc.api('GET', '/api/me', undefined, a.token);
    assert.equal(plain.status, 503, `a 4th (plain HTTP) connection: ${plain.status} ${plain.text}`);

    // The three are untouched.
    w1.subscribe(r.id, last);
    w3.subscribe(r.id, last);
    w2.send({ type: 'send', room: r.id, text: 'under the cap', client_id: 'cap-msg' });
    await w2.ack('cap-msg');
    assert.equal((await w1.event(r.id, last + 1)).data.text, 'under the cap');
    assert.equal((await w3.event(r.id, last + 1)).data.text, 'under the cap');
    for (const w of [w1, w2, w3]) assert.ok(w.isOpen, `${w.name} still open`);

    // Closing one frees a slot.
    await w3.close();
    const w4 = await admit(a, 'cap-4');
    w4.subscribe(r.id, last);
    assert.equal((await w4.event(r.id, last + 1)).data.text, 'under the cap');
  } finally {
    for (const w of conns) await w.close().catch(() => {});
    await capped.close();
  }
});

test('a per-user send flood gets 429 over REST and WebSocket, and only the accepted messages are stored', async () => {
  const limited = await startServer({ env: { SEND_RATE_PER_SEC: '2', SEND_BURST: '3' }, label: 'rate-limited' });
  const lc = clientFor(limited);
  let w;
  try {
    const owner = await lc.guest('Rate Owner');
    const rest = await lc.guest('Rate Rest');
    const wsUser = await lc.guest('Rate Ws');
    const r = await lc.createRoom(owner.token, unique('rate'), 'public');
    await lc.join(rest.token, r.id);
    await lc.join(wsUser.token, r.id);

    // REST: 10 sends as fast as one connection at a time allows.
    const N = 10;
    const t0 = Date.now();
    const results = [];
    for (let i = 0; i < N; i++) {
      results.push(await lc.api('POST', `/api/rooms/${r.id}/messages`, { text: `rest ${i}`, client_id: `rest-${i}` },
        rest.token));
    }
    const elapsed = (Date.now() - t0) / 1000;
    const statuses = results.map((x) => x.status);
    assert.deepEqual(statuses.slice(0, 3), [201, 201, 201], `the burst of 3 is accepted: ${statuses}`);
    assert.ok(statuses.every((s) => s === 201 || s === 429), `only 201 or 429: ${statuses}`);
    const restOk = results.filter((x) => x.status === 201).map((x) => x.body.data.client_id);
    assert.ok(statuses.includes(429), `some sends were refused with 429: ${statuses}`);
    assert.ok(restOk.length <= 3 + Math.ceil(2 * elapsed), `${restOk.length} accepted in ${elapsed}s at 2/s, burst 3`);

    // WebSocket: 10 frames at once from another user.
    w = await lc.wsConnect(wsUser.token, { name: 'ws-rate' });
    for (let i = 0; i < N; i++) w.send({ type: 'send', room: r.id, text: `ws ${i}`, client_id: `ws-${i}` });
    const answers = await w.take((f) => f.type === 'ack' || f.type === 'error', N, undefined, 'an answer per send');
    const acks = answers.filter((f) => f.type === 'ack');
    const errors = answers.filter((f) => f.type === 'error');
    assert.ok(acks.length >= 3, `the burst of 3 is accepted: ${JSON.stringify(answers)}`);
    assert.ok(errors.length >= 1, `some sends were refused: ${JSON.stringify(answers)}`);
    for (const e of errors) assert.equal(e.code, 429, `refused with 429: ${JSON.stringify(e)}`);
    // docs/API.md: an error frame names the client_id of the frame it answers.
    assert.deepEqual(answers.map((f) => f.client_id).sort(), Array.from({ length: N }, (_, i) => `ws-${i}`).sort(),
      'one answer (ack or error) per client_id');
    assert.ok(w.isOpen, 'the connection stays open');

    const stored = (await lc.allEvents(owner.token, r.id)).filter((e) => e.kind === 'message');
    assert.deepEqual(stored.filter((m) => m.author.id === rest.user_id).map((m) => m.client_id), restOk,
      'REST: exactly the accepted messages are stored');
    assert.deepEqual(stored.filter((m) => m.author.id === wsUser.user_id).map((m) => m.client_id).sort(),
      acks.map((a) => a.client_id).sort(), 'WebSocket: exactly the acked messages are stored');
  } finally {
    await w?.close().catch(() => {});
    await limited.close();
  }
});
