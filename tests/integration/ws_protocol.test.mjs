// RFC 6455 over real sockets, on the lines of Autobahn|Testsuite's sections 1-7
// (framing, pings, reserved bits and opcodes, fragmentation, UTF-8, the closing
// handshake), plus parley's limits: the frame limit (1009), the message limit
// (413), a subscriber that stops reading, and floods from a client that does not
// read. The client is lib/ws_raw.mjs: raw frames over node:net, so every byte the
// server reads and writes is under the test's control.
//
// parley answers no echo: a data frame is an app frame, so each case checks the
// framing through the app's answers ({"type":"ping"} -> {"type":"pong"}, errors
// naming what they read) and the control frames, the close code and the TCP close.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from './lib/test.mjs';
import { TIME_SCALE, startServer } from './lib/server.mjs';
import { WAIT_MS, clientFor, httpRequest, unique } from './lib/client.mjs';
import { OP, RSV1, RSV2, RSV3, RawWs, closePayload, describeFrame, encodeFrame, fragments } from './lib/ws_raw.mjs';

const PING = JSON.stringify({ type: 'ping' });
const isPong = (o) => o.type === 'pong';
const isControlPong = (f) => f.opcode === OP.pong;

const servers = [];
const conns = [];
after(async () => {
  for (const ws of conns) ws.destroy();
  for (const s of servers) await s.close();
});

async function server(env) {
  const srv = await startServer({ env });
  servers.push(srv);
  return { srv, c: clientFor(srv) };
}

// A raw WebSocket of the guest `user` on `srv`, closed after the file.
async function connect(srv, user, opts = {}) {
  const ws = await RawWs.connect(srv, user.token, opts);
  ws.server = srv;
  conns.push(ws);
  return ws;
}

// Stops a server once its connections are gone: one left open would hold its
// shutdown for the closing handshake's timeout.
async function closeServer(s) {
  for (const ws of conns) if (ws.server === s) ws.destroy();
  await s.close();
}

// The connection is open and reads frames: a JSON ping gets its pong.
async function assertUsable(ws, what = 'the connection is still usable') {
  ws.sendText(PING);
  await ws.nextJson(isPong, `${what}: the pong of a JSON ping`);
}

// The server's close frame with `code`, then its TCP close, and no frame besides
// the close among those not yet taken: in particular no answer to what the caller
// sent after the frame that was refused.
async function assertFailedWith(ws, code, what) {
  const f = await ws.nextFrame((x) => x.opcode === OP.close, `${what}: close ${code}`);
  assert.equal(f.closeCode, code, `${what}: want close ${code}, got ${describeFrame(f)}`);
  await ws.expectTcpEnd(`${what}: the TCP close after the close frame`);
  const rest = ws.pendingFrames().filter((x) => x !== f);
  assert.deepEqual(rest.map(describeFrame), [], `${what}: no frame but the close once the connection failed`);
  ws.assertWellFormed();
}

// Bytes as a Buffer from a "\xNN" string.
const bin = (s) => Buffer.from(s, 'latin1');
// A JSON frame `{"type":"<bytes>"}` around raw bytes (not necessarily UTF-8).
const typeFrameBytes = (bytes) => Buffer.concat([Buffer.from('{"type":"'), bin(bytes), Buffer.from('"}')]);

// Reads VmRSS and VmHWM (kB) of a process.
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

let srv;
let c;
let ada;
let room;
before(async () => {
  // A small message limit: the frame limit is then its floor, 64 KiB
  // (max(64 KiB, 8 x MAX_MSG_SIZE_BYTE), ws_session.cpp).
  ({ srv, c } = await server({ MAX_MSG_SIZE_BYTE: '1000' }));
  ada = await c.guest('Ada');
  room = await c.createRoom(ada.token, unique('proto'), 'public');
});

describe('sections 1 and 2: framing and pings', () => {
  test('a JSON frame is read in every length encoding, up to the frame limit (1.1.x)', async () => {
    const ws = await connect(srv, ada);
    // JSON allows trailing whitespace: a ping padded to each boundary of the
    // 7-, 16- and 64-bit length encodings.
    for (const n of [PING.length, 125, 126, 127, 128, 65535, 65536]) {
      ws.sendFrame({ opcode: OP.text, payload: PING.padEnd(n, ' ') });
      await ws.nextJson(isPong, `the pong of a ${n}-byte ping frame`);
    }
    // A length encoded longer than it needs to be is still a length.
    ws.sendFrame({ opcode: OP.text, payload: PING, length: '64' });
    await ws.nextJson(isPong, 'the pong of a ping frame with a 64-bit length of 15');
    ws.assertWellFormed();
  });

  test('a frame written one byte at a time is read whole (1.1.8, 2.6)', async () => {
    const ws = await connect(srv, ada);
    await ws.writeChopped(encodeFrame({ opcode: OP.text, payload: PING.padEnd(300, ' ') }));
    await ws.nextJson(isPong, 'the pong of a chopped 300-byte ping frame');
    const payload = Buffer.alloc(125, 0xfe);
    await ws.writeChopped(encodeFrame({ opcode: OP.ping, payload }));
    const pong = await ws.nextFrame(isControlPong, 'the pong of a chopped 125-byte ping');
    assert.deepEqual(pong.payload, payload);
    ws.assertWellFormed();
  });

  test('a message in 1-byte continuation frames is joined (5.3-5.5)', async () => {
    const ws = await connect(srv, ada);
    const frames = fragments(OP.text, PING, 1);
    assert.equal(frames.length, PING.length);
    ws.write(Buffer.concat(frames));
    await ws.nextJson(isPong, 'the pong of a ping in 15 fragments');
    // The same, each fragment in its own write.
    for (const f of frames) await ws.writeChopped(f, f.length);
    await ws.nextJson(isPong, 'the pong of a ping in 15 fragments, one write each');
    // Two fragments, the first empty.
    ws.write(Buffer.concat([encodeFrame({ opcode: OP.text, payload: '', fin: false }),
      encodeFrame({ opcode: OP.cont, payload: PING })]));
    await ws.nextJson(isPong, 'the pong of a ping after an empty first fragment');
    ws.assertWellFormed();
  });

  test('pings between fragments are answered in order, each pong with its ping\'s payload (5.6-5.8, 5.19)', async () => {
    const ws = await connect(srv, ada);
    const frames = fragments(OP.text, PING, 1);
    const payloads = [];
    const bytes = [];
    frames.forEach((f, i) => {
      bytes.push(f);
      if (i < frames.length - 1) {
        const p = Buffer.from(`ping ${i} `.padEnd(3 + (i * 8) % 120, String.fromCharCode(97 + i)));
        payloads.push(p);
        bytes.push(encodeFrame({ opcode: OP.ping, payload: p }));
      }
    });
    ws.write(Buffer.concat(bytes));
    for (let i = 0; i < payloads.length; i++) {
      const pong = await ws.nextFrame(isControlPong, `pong ${i} of ${payloads.length}`);
      assert.equal(pong.payload.toString(), payloads[i].toString(), `pong ${i} carries ping ${i}'s payload`);
    }
    await ws.nextJson(isPong, 'the pong of the fragmented ping message');
    // Chopped into single bytes too.
    await ws.writeChopped(Buffer.concat(bytes));
    for (let i = 0; i < payloads.length; i++) {
      const pong = await ws.nextFrame(isControlPong, `pong ${i} of the chopped ones`);
      assert.equal(pong.payload.toString(), payloads[i].toString());
    }
    await ws.nextJson(isPong, 'the pong of the chopped fragmented ping message');
    ws.assertWellFormed();
  });

  test('pings of 0 to 125 bytes are answered with the same payload (2.1-2.4, 2.10)', async () => {
    const ws = await connect(srv, ada);
    const all = Buffer.from(Array.from({ length: 125 }, (_, i) => (i * 37 + 255) & 0xff));
    const payloads = [Buffer.alloc(0), Buffer.from('Hello, world!'), bin('\x00\xff\xfe\xfd\xfc\xfb\x00\xff'), all];
    for (const p of payloads) {
      ws.sendFrame({ opcode: OP.ping, payload: p });
      const pong = await ws.nextFrame(isControlPong, `the pong of a ${p.length}-byte ping`);
      assert.deepEqual(pong.payload, p, `the pong of a ${p.length}-byte ping carries its payload`);
      assert.ok(pong.fin, 'a pong is one frame');
    }
    // Ten pings in one write: ten pongs, in order.
    const ten = Array.from({ length: 10 }, (_, i) => Buffer.from(`payload-${i}`));
    ws.write(Buffer.concat(ten.map((p) => encodeFrame({ opcode: OP.ping, payload: p }))));
    for (const p of ten) {
      const pong = await ws.nextFrame(isControlPong, `the pong of ${p}`);
      assert.equal(pong.payload.toString(), p.toString());
    }
    ws.assertWellFormed();
  });

  test('a ping of 126 bytes fails the connection with 1002 (2.5)', async () => {
    const ws = await connect(srv, ada);
    ws.sendFrame({ opcode: OP.ping, payload: Buffer.alloc(126, 0x2a) });
    ws.sendText(PING);
    await assertFailedWith(ws, 1002, 'a 126-byte ping');
  });

  test('an unsolicited pong is ignored (2.7-2.9)', async () => {
    const ws = await connect(srv, ada);
    ws.sendFrame({ opcode: OP.pong, payload: '' });
    ws.sendFrame({ opcode: OP.pong, payload: 'unsolicited pong payload' });
    ws.sendFrame({ opcode: OP.ping, payload: 'after the pongs' });
    ws.sendText(PING);
    const pong = await ws.nextFrame(() => true, 'the first frame after two unsolicited pongs');
    assert.equal(pong.opcode, OP.pong, `want the pong of the ping, got ${describeFrame(pong)}`);
    assert.equal(pong.payload.toString(), 'after the pongs');
    const next = await ws.nextFrame(() => true, 'the JSON pong');
    assert.equal(next.opcode, OP.text, `want the JSON pong, got ${describeFrame(next)}`);
    assert.equal(next.payload.toString(), JSON.stringify({ type: 'pong' }));
    ws.assertWellFormed();
  });

  test('a frame sent with the upgrade request, before the 101, is read', async () => {
    const early = Buffer.concat([encodeFrame({ opcode: OP.ping, payload: 'early' }),
      encodeFrame({ opcode: OP.text, payload: PING })]);
    const ws = await connect(srv, ada, { early });
    const pong = await ws.nextFrame(isControlPong, 'the pong of the early ping');
    assert.equal(pong.payload.toString(), 'early');
    await ws.nextJson(isPong, 'the pong of the early JSON ping');
    ws.assertWellFormed();
  });

  test('a mask key of zeros is a mask', async () => {
    const ws = await connect(srv, ada);
    ws.sendFrame({ opcode: OP.text, payload: PING, mask: Buffer.alloc(4) });
    await ws.nextJson(isPong, 'the pong of a ping masked with 00000000');
  });

  test('a binary frame that is not UTF-8 gets error 400 and the connection stays (API.md)', async () => {
    const ws = await connect(srv, ada);
    ws.sendFrame({ opcode: OP.binary, payload: typeFrameBytes('\xff\xfe') });
    const err = await ws.nextJson((o) => o.type === 'error', 'the error for a binary frame of bad UTF-8');
    assert.equal(err.code, 400);
    await assertUsable(ws);
    ws.assertWellFormed();
  });

  test('server frames of every length are well formed (events caught up after a subscribe)', async (t) => {
    const bob = await c.guest('Bob');
    const r = await c.createRoom(bob.token, unique('long'), 'public');
    // 40 messages of 900 bytes: their events exceed 125 bytes each and, joined in
    // one write, can exceed 64 KiB.
    for (let i = 1; i <= 40; i++) await c.post(bob.token, r.id, `${i} ${'y'.repeat(900)}`);
    const ws = await connect(srv, bob);
    ws.sendText({ type: 'subscribe', room: r.id, since: 0 });
    const seqs = [];
    let messages = 0;
    while (messages < 40) {
      const e = await ws.nextJson((o) => o.type === 'event' && o.room === r.id, `message ${messages + 1} of 40`);
      seqs.push(e.seq);
      if (e.kind !== 'message') continue; // the creator's member event
      messages++;
      assert.equal(e.data.text, `${messages} ${'y'.repeat(900)}`, `message ${messages} (seq ${e.seq}) arrives whole`);
    }
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'events in seq order, dense');
    // One live event of ~2 KB: a frame of its own, with a 16-bit length.
    const live = await c.post(bob.token, r.id, `41 ${'y'.repeat(900)}`);
    const e = await ws.nextJson((o) => o.type === 'event' && o.seq === live.seq, 'the live event');
    assert.equal(e.data.text, `41 ${'y'.repeat(900)}`);
    ws.assertWellFormed();
    const encodings = new Set(ws.frames.all.map((f) => f.lengthEncoding));
    t.diagnostic(`length encodings of the server's frames: ${[...encodings].join(', ')}`);
    assert.ok(encodings.has('16'), `some server frame had a 16-bit length (saw ${[...encodings]})`);
  });
});

describe('section 3: reserved bits', () => {
  const kinds = [
    ['text', () => ({ opcode: OP.text, payload: PING })],
    ['binary', () => ({ opcode: OP.binary, payload: PING })],
    ['ping', () => ({ opcode: OP.ping, payload: 'rsv ping' })],
    ['pong', () => ({ opcode: OP.pong, payload: 'rsv pong' })],
    ['close', () => ({ opcode: OP.close, payload: closePayload(1000) })],
  ];
  for (const rsv of [RSV1, RSV2, RSV3, RSV1 | RSV2, RSV1 | RSV3, RSV2 | RSV3, RSV1 | RSV2 | RSV3]) {
    test(`RSV=${rsv} fails the connection with 1002 on ${kinds.map((k) => k[0]).join(', ')} (3.1-3.7)`, async () => {
      for (const [kind, frame] of kinds) {
        const ws = await connect(srv, ada, { name: `rsv${rsv}-${kind}` });
        // A good frame first: answered; then the bad one; then a ping: not answered.
        ws.sendText(PING);
        await ws.nextJson(isPong, 'the pong of the good frame before the bad one');
        ws.sendFrame({ ...frame(), rsv });
        ws.sendFrame({ opcode: OP.ping, payload: 'after the bad frame' });
        await assertFailedWith(ws, 1002, `RSV=${rsv} on a ${kind} frame`);
      }
    });
  }

  test('an RSV bit on a continuation frame fails the connection with 1002', async () => {
    const ws = await connect(srv, ada);
    ws.write(Buffer.concat([encodeFrame({ opcode: OP.text, payload: '{"type":', fin: false }),
      encodeFrame({ opcode: OP.cont, payload: '"ping"}', rsv: RSV1 })]));
    ws.sendText(PING);
    await assertFailedWith(ws, 1002, 'RSV1 on a continuation frame');
  });
});

describe('section 4: reserved opcodes', () => {
  for (const op of [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]) {
    test(`opcode ${op} fails the connection with 1002 (4.${op < 8 ? 1 : 2}.x)`, async () => {
      for (const payload of ['', 'reserved opcode payload']) {
        const ws = await connect(srv, ada);
        ws.sendText(PING);
        await ws.nextJson(isPong, 'the pong of the good frame before the bad one');
        ws.sendFrame({ opcode: op, payload });
        ws.sendFrame({ opcode: OP.ping, payload: 'after the bad frame' });
        await assertFailedWith(ws, 1002, `opcode ${op} with ${payload.length} bytes`);
      }
    });
  }
});

describe('section 5: fragmentation', () => {
  const cases = [
    ['a fragmented ping (5.1)', () => [encodeFrame({ opcode: OP.ping, payload: 'frag', fin: false }),
      encodeFrame({ opcode: OP.cont, payload: 'ment' })]],
    ['a fragmented pong (5.2)', () => [encodeFrame({ opcode: OP.pong, payload: 'frag', fin: false }),
      encodeFrame({ opcode: OP.cont, payload: 'ment' })]],
    ['a final continuation without a message (5.9)', () => [encodeFrame({ opcode: OP.cont, payload: PING })]],
    ['a non-final continuation without a message (5.12)', () =>
      [encodeFrame({ opcode: OP.cont, payload: PING, fin: false })]],
    ['a continuation after the message ended (5.15)', () => [
      ...fragments(OP.text, PING, 8),
      encodeFrame({ opcode: OP.cont, payload: 'more', fin: false }),
    ]],
    ['a new text frame inside an open fragmented message (5.18)', () => [
      encodeFrame({ opcode: OP.text, payload: '{"type":', fin: false }),
      encodeFrame({ opcode: OP.text, payload: '"ping"}' }),
    ]],
    ['a binary frame inside an open text message', () => [
      encodeFrame({ opcode: OP.text, payload: '{"type":', fin: false }),
      encodeFrame({ opcode: OP.binary, payload: '"ping"}', fin: false }),
    ]],
  ];
  for (const [name, frames] of cases) {
    test(`${name} fails the connection with 1002`, async () => {
      for (const chop of [false, true]) {
        const ws = await connect(srv, ada);
        const bytes = Buffer.concat([...frames(), encodeFrame({ opcode: OP.ping, payload: 'after' })]);
        if (chop) await ws.writeChopped(bytes);
        else ws.write(bytes);
        const f = await ws.nextFrame((x) => x.opcode === OP.close, `${name}: close 1002`);
        assert.equal(f.closeCode, 1002, `${name}${chop ? ' (chopped)' : ''}: got ${describeFrame(f)}`);
        await ws.expectTcpEnd();
        // 5.15 ends a good message first: its pong may come before the close.
        const isJsonPong = (x) => x.opcode === OP.text && isPong(JSON.parse(x.payload));
        const other = ws.pendingFrames().filter((x) => x !== f && !isJsonPong(x));
        assert.deepEqual(other.map(describeFrame), [], `${name}: no pong for the ping after the bad frame`);
        ws.assertWellFormed();
      }
    });
  }

  test('a message continues after a 5.15-style complete fragmented message is answered', async () => {
    const ws = await connect(srv, ada);
    ws.write(Buffer.concat([...fragments(OP.text, PING, 8), ...fragments(OP.binary, PING, 4)]));
    await ws.nextJson(isPong, 'the pong of the fragmented text ping');
    await ws.nextJson(isPong, 'the pong of the fragmented binary ping');
  });
});

describe('section 6: UTF-8', () => {
  // From the UTF-8 decoder stress test that Autobahn's 6.x cases use (invalid).
  const invalid = [
    ['a lone continuation byte', '\x80'],
    ['a lone continuation byte 0xbf', '\xbf'],
    ['continuation bytes', '\x80\xbf\x80\xbf'],
    ['a lonely start byte', '\xc0 '],
    ['a lonely 3-byte start', '\xe1 '],
    ['a 2-byte sequence cut', '\xce'],
    ['a 3-byte sequence cut', '\xe2\x82'],
    ['a 4-byte sequence cut', '\xf0\x9d\x84'],
    ['an overlong /', '\xc0\xaf'],
    ['an overlong / in 3 bytes', '\xe0\x80\xaf'],
    ['an overlong / in 4 bytes', '\xf0\x80\x80\xaf'],
    ['a maximal overlong 2-byte', '\xc1\xbf'],
    ['a maximal overlong 3-byte', '\xe0\x9f\xbf'],
    ['a maximal overlong 4-byte', '\xf0\x8f\xbf\xbf'],
    ['an overlong NUL', '\xc0\x80'],
    ['a high surrogate', '\xed\xa0\x80'],
    ['a low surrogate', '\xed\xbf\xbf'],
    ['a surrogate pair', '\xed\xa0\x80\xed\xb0\x80'],
    ['a code point past U+10FFFF', '\xf4\x90\x80\x80'],
    ['a 5-byte sequence', '\xf8\x88\x80\x80\x80'],
    ['a 6-byte sequence', '\xfc\x84\x80\x80\x80\x80'],
    ['byte 0xfe', '\xfe'],
    ['byte 0xff', '\xff'],
    ['an invalid byte after valid text (6.3.1)', '\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited'],
  ];
  // Valid, including boundary cases; each is echoed by the error naming the type.
  const valid = [
    ['κόσμε', '\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5'],
    ['U+0080', '\xc2\x80'],
    ['U+0800', '\xe0\xa0\x80'],
    ['U+10000', '\xf0\x90\x80\x80'],
    ['U+07FF', '\xdf\xbf'],
    ['U+FFFF', '\xef\xbf\xbf'],
    ['U+10FFFF', '\xf4\x8f\xbf\xbf'],
    ['U+D7FF', '\xed\x9f\xbf'],
    ['U+E000', '\xee\x80\x80'],
    ['U+FFFD', '\xef\xbf\xbd'],
    ['U+FFFE (a non-character is valid UTF-8)', '\xef\xbf\xbe'],
    ['U+1D11E', '\xf0\x9d\x84\x9e'],
  ];

  test('invalid UTF-8 in a text message fails the connection with 1007 (6.3-6.21)', async () => {
    for (const [name, bytes] of invalid) {
      for (const split of [false, true]) {
        const ws = await connect(srv, ada, { name: `utf8 ${name}` });
        const payload = typeFrameBytes(bytes);
        // Split: every byte in its own fragment, so the bad sequence spans fragments.
        const frames = split ? fragments(OP.text, payload, 1) : [encodeFrame({ opcode: OP.text, payload })];
        ws.write(Buffer.concat([...frames, encodeFrame({ opcode: OP.ping, payload: 'after' })]));
        await assertFailedWith(ws, 1007, `${name}${split ? ', byte-wise fragments' : ''}`);
      }
    }
  });

  test('valid UTF-8, whole or split inside characters across fragments, is read as sent (6.2, 6.5-6.23)', async () => {
    const ws = await connect(srv, ada);
    for (const [name, bytes] of valid) {
      const want = bin(bytes).toString('utf8');
      const payload = typeFrameBytes(bytes);
      for (const size of [payload.length, 1, 2, 3]) {
        ws.write(Buffer.concat(fragments(OP.text, payload, size)));
        const err = await ws.nextJson((o) => o.type === 'error', `the error for type ${name} in ${size}-byte fragments`);
        assert.equal(err.code, 400);
        assert.equal(err.content, `unknown type '${want}'`, `${name}: the type is read as sent`);
      }
    }
    ws.assertWellFormed();
  });

  test('a message with multi-byte characters split across fragments is stored as sent', async () => {
    const ws = await connect(srv, ada);
    ws.sendText({ type: 'subscribe', room: room.id });
    await ws.nextJson((o) => o.type === 'subscribed', 'subscribed');
    const text = 'κόσμε € 𝄞 ✓';
    const payload = Buffer.from(JSON.stringify({ type: 'send', room: room.id, text, client_id: 'utf8-split' }));
    await ws.writeChopped(Buffer.concat(fragments(OP.text, payload, 1)), 7);
    const ack = await ws.nextJson((o) => o.type === 'ack' && o.client_id === 'utf8-split', 'the ack');
    const ev = await ws.nextJson((o) => o.type === 'event' && o.seq === ack.seq, 'the event');
    assert.equal(ev.data.text, text);
    ws.assertWellFormed();
  });

  test('invalid UTF-8 in a fragment is refused even when the message goes on (6.4.x, fail-late)', async () => {
    // parley checks a text message once it is whole: a bad fragment followed by
    // the rest of the message still closes with 1007, and nothing is answered.
    const ws = await connect(srv, ada);
    ws.write(Buffer.concat([
      encodeFrame({ opcode: OP.text, payload: typeFrameBytes('\xce\xba').subarray(0, -2), fin: false }),
      encodeFrame({ opcode: OP.cont, payload: bin('\xf4\x90\x80\x80'), fin: false }),
      encodeFrame({ opcode: OP.cont, payload: '"}' }),
      encodeFrame({ opcode: OP.ping, payload: 'after' }),
    ]));
    await assertFailedWith(ws, 1007, 'a code point past U+10FFFF in the middle fragment');
  });

  test('an unmasked client frame fails the connection with 1002 (RFC 6455 5.1)', async () => {
    for (const [name, frame] of [
      ['text', { opcode: OP.text, payload: PING }],
      ['ping', { opcode: OP.ping, payload: 'unmasked' }],
      ['close', { opcode: OP.close, payload: closePayload(1000) }],
    ]) {
      const ws = await connect(srv, ada);
      ws.sendFrame({ ...frame, mask: false });
      ws.sendText(PING);
      await assertFailedWith(ws, 1002, `an unmasked ${name} frame`);
    }
  });
});

describe('section 7: the closing handshake', () => {
  // Opens a connection, checks it works, sends `frames`, and returns the server's
  // close frame once the server has also closed the TCP connection.
  async function closeWith(frames, what) {
    const ws = await connect(srv, ada, { name: what });
    await assertUsable(ws, `${what}: before`);
    ws.write(Buffer.concat(frames));
    const f = await ws.nextFrame((x) => x.opcode === OP.close, `${what}: the server's close frame`);
    // Our side stays open (allowHalfOpen): the FIN is the server's own.
    await ws.expectTcpEnd(`${what}: the server to close the TCP connection`);
    assert.ok(ws.serverEnded, `${what}: the server ended the TCP connection (FIN), it was not reset`);
    const others = ws.pendingFrames().filter((x) => x !== f);
    assert.deepEqual(others.map(describeFrame), [], `${what}: nothing but the close frame`);
    ws.assertWellFormed();
    return f;
  }
  const close = (code, reason) => encodeFrame({ opcode: OP.close, payload: closePayload(code, reason) });
  const late = () => [encodeFrame({ opcode: OP.ping, payload: 'late' }), encodeFrame({ opcode: OP.text, payload: PING })];

  test('an empty close is answered with a close, then the server closes the TCP connection (7.3.1)', async () => {
    const f = await closeWith([encodeFrame({ opcode: OP.close, payload: '' })], 'empty close');
    assert.ok(f.closeCode === null || f.closeCode === 1000,
      `an empty close is answered empty or 1000, got ${describeFrame(f)}`);
  });

  test('a close with a 1-byte payload fails the connection with 1002 (7.3.2)', async () => {
    const f = await closeWith([encodeFrame({ opcode: OP.close, payload: bin('\x03') })], '1-byte close');
    assert.equal(f.closeCode, 1002);
  });

  test('close 1000 with a reason, up to 123 bytes, is answered with 1000 (7.3.3-7.3.5)', async () => {
    for (const reason of ['', 'Hello World!', '*'.repeat(123), 'κόσμε']) {
      const f = await closeWith([close(1000, reason)], `close 1000 with a ${Buffer.byteLength(reason)}-byte reason`);
      assert.equal(f.closeCode, 1000);
    }
  });

  test('a close of 126 bytes (a 124-byte reason) fails the connection with 1002 (7.3.6)', async () => {
    const f = await closeWith([close(1000, '*'.repeat(124))], 'a 126-byte close');
    assert.equal(f.closeCode, 1002);
  });

  test('a close reason that is not UTF-8 fails the connection with 1007 (7.5.1)', async () => {
    const kosme = '\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5';
    for (const bad of [`${kosme}\xed\xa0\x80edited`, '\xff', '\xc0\xaf']) {
      const f = await closeWith([close(1000, bin(bad))], `a close reason of bad UTF-8 ${JSON.stringify(bad)}`);
      assert.equal(f.closeCode, 1007);
    }
  });

  test('valid close codes are echoed (7.7.x)', async () => {
    for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]) {
      const f = await closeWith([close(code)], `close ${code}`);
      assert.equal(f.closeCode, code, `close ${code} is echoed`);
    }
  });

  test('invalid close codes fail the connection with 1002 (7.9.x, 7.13.x)', async () => {
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]) {
      const f = await closeWith([close(code)], `close ${code}`);
      assert.equal(f.closeCode, 1002, `close ${code} is refused with 1002`);
    }
  });

  test('frames after a close are ignored: no pong, no answer (7.1.3, 7.1.4)', async () => {
    const f = await closeWith([close(1000), ...late()], 'close, then a ping and a JSON ping');
    assert.equal(f.closeCode, 1000);
  });

  test('a second close is not answered twice (7.1.2)', async () => {
    const f = await closeWith([close(1000), close(1001)], 'close twice');
    assert.equal(f.closeCode, 1000);
  });

  test('a close inside an open fragmented message ends it; the rest is ignored (7.1.5)', async () => {
    const f = await closeWith([
      encodeFrame({ opcode: OP.text, payload: '{"type":', fin: false }),
      close(1000),
      encodeFrame({ opcode: OP.cont, payload: '"ping"}' }),
      ...late(),
    ], 'a close between fragments');
    assert.equal(f.closeCode, 1000);
  });

  test('after a protocol error the server closes the TCP connection without waiting for our close', async () => {
    const ws = await connect(srv, ada);
    ws.sendFrame({ opcode: 3, payload: '' });
    // We never answer the server's close frame, nor end our side.
    await assertFailedWith(ws, 1002, 'opcode 3');
    assert.ok(ws.serverEnded, 'the server sent its FIN');
  });

  test('the server stays up: a new connection works after all of the above', async () => {
    const ws = await connect(srv, ada);
    await assertUsable(ws);
    const health = await httpRequest(`${srv.url}/health`);
    assert.equal(health.status, 200);
  });
});

describe('limits: frame size and message size', () => {
  test('a frame over 64 KiB (8 x MAX_MSG_SIZE_BYTE is less) fails with 1009; one of 64 KiB does not', async () => {
    // At the limit: read (the 65536-byte case is in section 1 too).
    const ok = await connect(srv, ada);
    ok.sendFrame({ opcode: OP.text, payload: PING.padEnd(65536, ' ') });
    await ok.nextJson(isPong, 'the pong of a 65536-byte ping frame');

    const over = await connect(srv, ada);
    over.sendFrame({ opcode: OP.text, payload: PING.padEnd(65537, ' ') });
    await assertFailedWith(over, 1009, 'a 65537-byte frame');

    // Refused from the header alone: the payload never comes.
    const header = await connect(srv, ada);
    header.write(encodeFrame({ opcode: OP.binary, payload: '', declaredLength: 2 ** 32 }));
    await assertFailedWith(header, 1009, 'the header of a 4 GiB frame');

    // Fragments adding up past the limit.
    const frag = await connect(srv, ada);
    frag.write(Buffer.concat([encodeFrame({ opcode: OP.text, payload: ' '.repeat(40000), fin: false }),
      encodeFrame({ opcode: OP.cont, payload: ' '.repeat(40000) })]));
    await assertFailedWith(frag, 1009, 'two fragments of 40000 bytes');

    // A 64-bit length with the top bit set is not a length.
    const huge = await connect(srv, ada);
    huge.write(Buffer.concat([bin('\x82\xff\x80\x00\x00\x00\x00\x00\x00\x00'), Buffer.from('mask')]));
    const f = await huge.nextFrame((x) => x.opcode === OP.close, 'the close for a 2^63 length');
    assert.ok([1002, 1009].includes(f.closeCode), `a 2^63 length is refused with 1002 or 1009, got ${describeFrame(f)}`);
    await huge.expectTcpEnd();
  });

  test('a message over MAX_MSG_SIZE_BYTE, in a frame under the frame limit, gets error 413 and the connection stays', async () => {
    const ws = await connect(srv, ada);
    ws.sendText({ type: 'subscribe', room: room.id });
    await ws.nextJson((o) => o.type === 'subscribed', 'subscribed');
    ws.sendText({ type: 'send', room: room.id, text: 'z'.repeat(1001), client_id: 'too-long' });
    const err = await ws.nextJson((o) => o.type === 'error' && o.client_id === 'too-long', 'the error of a 1001-byte text');
    assert.equal(err.code, 413);
    // Fragmented, the same.
    const long = JSON.stringify({ type: 'send', room: room.id, text: 'z'.repeat(5000), client_id: 'too-long-2' });
    const frames = fragments(OP.text, long, 512);
    ws.write(Buffer.concat(frames));
    const err2 = await ws.nextJson((o) => o.type === 'error' && o.client_id === 'too-long-2',
      'the error of a 5000-byte text');
    assert.equal(err2.code, 413);
    ws.sendText({ type: 'send', room: room.id, text: 'z'.repeat(1000), client_id: 'just-fits' });
    const ack = await ws.nextJson((o) => o.type === 'ack' && o.client_id === 'just-fits', 'the ack of a 1000-byte text');
    await ws.nextJson((o) => o.type === 'event' && o.seq === ack.seq, 'its event');
    await assertUsable(ws);
    ws.assertWellFormed();
  });

  test('with MAX_MSG_SIZE_BYTE=10000 the frame limit is 8 x 10000 bytes', async () => {
    const { srv: big, c: bc } = await server({ MAX_MSG_SIZE_BYTE: '10000' });
    const u = await bc.guest('Big');
    const ok = await connect(big, u);
    ok.sendFrame({ opcode: OP.text, payload: PING.padEnd(80000, ' ') });
    await ok.nextJson(isPong, 'the pong of an 80000-byte ping frame');
    ok.write(Buffer.concat(fragments(OP.text, PING.padEnd(80000, ' '), 10000)));
    await ok.nextJson(isPong, 'the pong of an 80000-byte ping message in 8 fragments');
    const over = await connect(big, u);
    over.sendFrame({ opcode: OP.text, payload: PING.padEnd(80001, ' ') });
    await assertFailedWith(over, 1009, 'an 80001-byte frame');
    await closeServer(big);
  });
});

// Follows the events of `roomId` on a raw connection without keeping its frames:
// the last seq, gaps, and a wait for a seq.
function trackEvents(ws, roomId, after) {
  const t = { last: after, count: 0, gaps: [], waiters: [] };
  ws.keep = false;
  ws.onFrame = (f) => {
    if (f.opcode !== OP.text) return;
    for (const line of f.payload.toString('utf8').split('\n')) {
      const o = JSON.parse(line);
      if (o.type !== 'event' || o.room !== roomId) continue;
      if (o.seq !== t.last + 1) t.gaps.push(`${t.last} -> ${o.seq}`);
      t.last = o.seq;
      t.count++;
    }
    t.waiters = t.waiters.filter((w) => (t.last >= w.seq ? (w.resolve(), false) : true));
  };
  t.reach = (seq, what) => new Promise((resolve, reject) => {
    if (t.last >= seq) return resolve();
    const timer = setTimeout(
      () => reject(new Error(`${ws.name}: timed out waiting for ${what}; at seq ${t.last}`)), WAIT_MS * 2);
    ws.closed.then(() => reject(new Error(`${ws.name}: closed at seq ${t.last} while waiting for ${what}`)));
    t.waiters.push({ seq, resolve: () => { clearTimeout(timer); resolve(); } });
  });
  return t;
}

async function metric(s, name) {
  const res = await httpRequest(`${s.url}/metrics`);
  assert.equal(res.status, 200);
  const line = res.text.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} is on /metrics`);
  return Number(line.split(' ')[1]);
}

// Sends `count` messages from a raw connection, at most `window` unacknowledged;
// returns the last seq acknowledged.
async function publish(ws, roomId, from, count, text, window = 16) {
  const acks = [];
  let last = 0;
  for (let i = from; i < from + count; i++) {
    ws.sendText({ type: 'send', room: roomId, text: `${i} ${text}`, client_id: `m${i}` });
    acks.push(ws.nextJson((o) => o.type === 'ack' && o.client_id === `m${i}`, `the ack of m${i}`, WAIT_MS * 2));
    if (acks.length >= window) last = Math.max(last, (await acks.shift()).seq);
  }
  for (const a of acks) last = Math.max(last, (await a).seq);
  return last;
}

describe('a subscriber that stops reading', () => {
  test('is closed past MAX_QUEUE_BYTES mid-sweep; the other subscribers receive every event', async (t) => {
    // One shard: every subscriber is in the same sweep, the slow one in the middle.
    // And the publisher on that shard too, with at most 4 sends in flight: events
    // reach the shard at most 4 (~17 KB) at a time. (A burst of events larger than
    // MAX_QUEUE_BYTES reaching a shard at once, e.g. from a publisher on another
    // shard while this one is descheduled, counts against every subscriber's queue
    // before any write is tried, and drops subscribers that do read.)
    const { srv: q, c: qc } = await server({ MAX_QUEUE_BYTES: '65536', THREADS: '1' });
    const pubUser = await qc.guest('Pub');
    const readerUser = await qc.guest('Reader');
    const slowUser = await qc.guest('Slow');
    const r = await qc.createRoom(pubUser.token, unique('sweep'), 'public');
    await qc.join(readerUser.token, r.id);
    await qc.join(slowUser.token, r.id);
    const disconnectsBefore = await metric(q, 'parley_slow_subscriber_disconnects_total');
    const start = (await qc.room(pubUser.token, r.id)).last_seq; // the member events

    // Readers on both sides of the slow one in the shards' subscriber tables.
    const subs = [];
    for (let i = 0; i < 9; i++) {
      const slow = i === 4;
      const ws = await connect(q, slow ? slowUser : readerUser, { name: slow ? 'slow' : `reader${i}` });
      ws.sendText({ type: 'subscribe', room: r.id, since: start });
      await ws.nextJson((o) => o.type === 'subscribed', `${ws.name} subscribed`);
      subs.push({ ws, slow, track: slow ? null : trackEvents(ws, r.id, start) });
    }
    const slow = subs.find((s) => s.slow).ws;
    const readers = subs.filter((s) => !s.slow);
    slow.pause();
    const pub = await connect(q, pubUser, { name: 'publisher' });

    const text = 'w'.repeat(2000); // ~4 KB an event with its html
    const BATCH = 100;
    const MAX = 3000; // ~12 MB: more than the kernel's buffers for the slow one can hide
    let sent = 0;
    let last = start;
    let dropped = false;
    while (sent < MAX && !dropped) {
      last = await publish(pub, r.id, sent, BATCH, text, 4);
      sent += BATCH;
      // The readers keep up, batch by batch.
      try {
        await Promise.all(readers.map((s) => s.track.reach(last, `seq ${last}`)));
      } catch (e) {
        const slowMem = `slow: paused, ${slow.bytesIn} bytes in`;
        const at = readers.map((s) => `${s.ws.name}=${s.track.last}`).join(' ');
        throw new Error(`${e.message}; readers at ${at}; ${slowMem}`);
      }
      dropped = (await metric(q, 'parley_slow_subscriber_disconnects_total')) > disconnectsBefore;
    }
    assert.ok(dropped, `the slow subscriber was not dropped after ${sent} events of ~4 KB with MAX_QUEUE_BYTES=65536`);
    // After the drop, the others go on receiving.
    last = await publish(pub, r.id, sent, 50, text, 4);
    sent += 50;
    await Promise.all(readers.map((s) => s.track.reach(last, `seq ${last} after the drop`)));
    for (const s of readers) {
      assert.deepEqual(s.track.gaps, [], `${s.ws.name} got every event in order`);
      assert.equal(s.track.count, sent, `${s.ws.name} got each of the ${sent} events once`);
      assert.ok(!s.ws.isClosed, `${s.ws.name} is still connected`);
    }
    assert.equal(last - start, sent, 'every send was stored');

    // The slow one reads what reached it: a dense prefix, then the server's close.
    const st = trackEvents(slow, r.id, start);
    slow.resume();
    await slow.expectTcpEnd('the slow subscriber to be closed');
    t.diagnostic(`published ${sent} events; the slow subscriber had ${st.count} of them when it was closed` +
      (slow.closeFrame ? ` (close frame ${slow.closeFrame.closeCode})` : ' (no close frame)'));
    assert.deepEqual(st.gaps, [], 'the slow subscriber got a dense prefix');
    assert.ok(st.count < sent, 'the slow subscriber did not get everything');
    slow.assertWellFormed();
    // The server is responsive.
    await assertUsable(pub, 'the publisher');
    readers[0].ws.keep = true;
    await assertUsable(readers[0].ws, 'a reader');
  });
});

describe('a burst of events', () => {
  test('larger than MAX_QUEUE_BYTES, arriving between two flushes, drops no subscriber that reads', async () => {
    // One shard, and 16 sends of ~7 KB (with html) in one write: the events reach
    // the shard's queues, ~110 KB each, before a flush writes any of them. Readers
    // that keep up are not slow: the bound counts only output that waits behind a
    // write the socket has not taken (twice the bound in any case).
    const { srv: q, c: qc } = await server({ MAX_QUEUE_BYTES: '65536', THREADS: '1' });
    const pubUser = await qc.guest('Burst');
    const readerUser = await qc.guest('Steady');
    const r = await qc.createRoom(pubUser.token, unique('burst'), 'public');
    await qc.join(readerUser.token, r.id);
    const disconnectsBefore = await metric(q, 'parley_slow_subscriber_disconnects_total');
    const start = (await qc.room(pubUser.token, r.id)).last_seq;
    const readers = [];
    for (let i = 0; i < 3; i++) {
      const ws = await connect(q, readerUser, { name: `steady${i}` });
      ws.sendText({ type: 'subscribe', room: r.id, since: start });
      await ws.nextJson((o) => o.type === 'subscribed', `${ws.name} subscribed`);
      readers.push({ ws, track: trackEvents(ws, r.id, start) });
    }
    const pub = await connect(q, pubUser, { name: 'burster' });
    const COUNT = 16;
    const frames = [];
    for (let i = 0; i < COUNT; i++) {
      frames.push(encodeFrame({
        opcode: OP.text,
        payload: JSON.stringify({ type: 'send', room: r.id, text: `${i} ${'b'.repeat(3000)}`, client_id: `b${i}` }),
      }));
    }
    pub.write(Buffer.concat(frames));
    for (let i = 0; i < COUNT; i++) await pub.nextJson((o) => o.type === 'ack' && o.client_id === `b${i}`, `the ack of b${i}`);
    for (const s of readers) {
      await s.track.reach(start + COUNT, `${s.ws.name}: every event of the burst`);
      assert.deepEqual(s.track.gaps, [], `${s.ws.name} got every event in order`);
      assert.ok(!s.ws.isClosed, `${s.ws.name} is still connected`);
    }
    assert.equal(await metric(q, 'parley_slow_subscriber_disconnects_total'), disconnectsBefore,
      'no subscriber was dropped as slow');
  });
});

describe('floods from a client that does not read', () => {
  // ASan keeps freed memory in a quarantine (256 MiB by default) that counts in
  // RSS: a small one here, so that RSS measures what the server itself holds.
  const env = {
    MAX_QUEUE_BYTES: '65536',
    ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'quarantine_size_mb=16', 'thread_local_quarantine_size_kb=256']
      .filter(Boolean).join(':'),
  };
  const MIB = 1024;
  const RSS_BOUND_KB = 64 * MIB;

  // Writes `frame` up to `max` times, in writes of 1000, waiting for each write to
  // be taken; stops when the socket closes, or when a write is not taken within
  // WAIT_MS (the server stopped reading).
  async function flood(ws, frame, max) {
    const PER_WRITE = 1000;
    const chunk = Buffer.concat(Array(PER_WRITE).fill(frame));
    const deadline = Date.now() + 30_000 * TIME_SCALE;
    let sent = 0;
    let stalled = false;
    while (sent < max && !ws.isClosed && Date.now() < deadline) {
      const ok = ws.write(chunk);
      sent += PER_WRITE;
      if (ok || ws.isClosed) continue;
      let onDrain;
      let timer;
      const r = await Promise.race([
        new Promise((res) => ws.sock.once('drain', (onDrain = () => res('drain')))),
        ws.closed.then(() => 'closed'),
        new Promise((res) => { timer = setTimeout(() => res('stalled'), WAIT_MS); }),
      ]);
      clearTimeout(timer);
      ws.sock.off('drain', onDrain);
      if (r === 'stalled') {
        stalled = true;
        break;
      }
    }
    // The server may close a moment after our last write was taken.
    if (!ws.isClosed) {
      let timer;
      await Promise.race([ws.closed, new Promise((res) => { timer = setTimeout(res, 5000 * TIME_SCALE); })]);
      clearTimeout(timer);
    }
    return { sent, stalled, closed: ws.isClosed };
  }

  for (const [name, frame, max] of [
    // 131 bytes in, a 127-byte pong out, each.
    ['125-byte pings', encodeFrame({ opcode: OP.ping, payload: Buffer.alloc(125, 0x70), mask: Buffer.from('mask') }),
      400_000],
    // 21 bytes in, a 15-byte JSON pong out, each.
    ['JSON {"type":"ping"} frames', encodeFrame({ opcode: OP.text, payload: PING, mask: Buffer.from('mask') }), 600_000],
  ]) {
    test(`a client that floods ${name} and never reads is closed once MAX_QUEUE_BYTES is passed; RSS stays bounded`, async (t) => {
      const { srv: f, c: fc } = await server(env);
      const u = await fc.guest('Flood');
      const ws = await connect(f, u, { name: 'flooder' });
      await assertUsable(ws, 'before the flood');
      ws.keep = false;
      ws.pause();
      const before = memoryOf(f.proc.pid);
      const started = Date.now();
      const r = await flood(ws, frame, max);
      const mem = memoryOf(f.proc.pid);
      const grewKb = mem.hwm - before.hwm;
      const how = `after ${r.sent} frames in ${Date.now() - started} ms: ${r.closed ? 'closed' : 'still open'}` +
        `${r.stalled ? ', the server stopped reading' : ''}; ` +
        `peak RSS grew ${(grewKb / MIB).toFixed(1)} MiB (VmHWM ${before.hwm} -> ${mem.hwm} kB, VmRSS now ${mem.rss} kB)`;
      t.diagnostic(how);
      ws.destroy();
      assert.ok(r.closed, `the server did not close the flooding connection: ${how}`);
      assert.ok(grewKb < RSS_BOUND_KB, `the server's peak RSS grew by 64 MiB or more: ${how}`);
      // The server is responsive.
      const ok = await connect(f, u, { name: 'after the flood' });
      await assertUsable(ok, 'after the flood');
      await closeServer(f);
    });
  }
});
