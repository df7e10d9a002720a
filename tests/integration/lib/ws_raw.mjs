// A raw RFC 6455 client over node:net, for tests of parley's own framing: it writes
// any frame (masked or not, fragmented, any opcode, any RSV bits, any length
// encoding) and reads the server's frames back one by one, checking that each is
// a frame a server may send. It also tells the TCP close apart from the close frame.
//
//   const ws = await RawWs.connect(srv, token);
//   ws.sendFrame({ opcode: OP.ping, payload: 'hi' });
//   const pong = await ws.nextFrame((f) => f.opcode === OP.pong, 'the pong');
//   ws.sendFrame({ opcode: OP.close, payload: closePayload(1000) });
//   await ws.expectClose(1000);   // the close frame, then the server's FIN
//
// Every wait has a timeout and says what it waited for; nothing sleeps.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { Inbox, WAIT_MS } from './client.mjs';

export const OP = { cont: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa };
export const RSV1 = 0x4;
export const RSV2 = 0x2;
export const RSV3 = 0x1;
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const toBuffer = (p) => (Buffer.isBuffer(p) ? p : Buffer.from(p ?? ''));

// One frame as bytes. payload: string (UTF-8) or Buffer. rsv: 3 bits (RSV1 = 4).
// mask: true (a random key), false (no mask bit, no key), or a 4-byte Buffer key.
// length: force the length encoding ('7', '16' or '64'); by default the shortest.
// declaredLength: the length written in the header, when it should lie (the
// payload sent is still `payload`, e.g. only a header for a huge frame).
export function encodeFrame({ opcode, payload, fin = true, rsv = 0, mask = true, length, declaredLength }) {
  const body = toBuffer(payload);
  const n = declaredLength ?? body.length;
  const enc = length ?? (n < 126 ? '7' : n <= 0xffff ? '16' : '64');
  const head = [((fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)) & 0xff];
  const maskBit = mask ? 0x80 : 0;
  let ext;
  if (enc === '7') {
    head.push(maskBit | n);
    ext = Buffer.alloc(0);
  } else if (enc === '16') {
    head.push(maskBit | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(n);
  } else {
    head.push(maskBit | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(BigInt(n));
  }
  if (!mask) return Buffer.concat([Buffer.from(head), ext, body]);
  const key = Buffer.isBuffer(mask) ? mask : randomBytes(4);
  const masked = Buffer.alloc(body.length);
  for (let i = 0; i < body.length; i++) masked[i] = body[i] ^ key[i & 3];
  return Buffer.concat([Buffer.from(head), ext, key, masked]);
}

// A close frame's payload: the code (2 bytes, big-endian) and a reason (string or
// Buffer, sent as is).
export function closePayload(code, reason = '') {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code);
  return Buffer.concat([b, toBuffer(reason)]);
}

// The frames of one message split into fragments of `size` bytes: the first with
// `opcode`, the rest continuations, FIN on the last only.
export function fragments(opcode, payload, size, opts = {}) {
  const body = toBuffer(payload);
  const out = [];
  for (let at = 0; at < body.length || out.length === 0; at += size) {
    const part = body.subarray(at, at + size);
    const last = at + size >= body.length;
    out.push(encodeFrame({ ...opts, opcode: out.length === 0 ? opcode : OP.cont, payload: part, fin: last }));
  }
  return out;
}

// Reads server frames out of a byte stream. Returns a list of problems found
// with each frame (a server frame is never masked, has no RSV bit, a known opcode,
// a control frame is final and at most 125 bytes, lengths use the shortest form).
export class FrameReader {
  constructor() {
    this.chunks = [];
    this.length = 0;
    this.need = 2; // bytes needed before trying to parse again
  }

  // Adds bytes; returns the complete frames now available.
  push(chunk) {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const out = [];
    while (this.length >= this.need) {
      const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      this.chunks = [buf];
      const f = parseFrame(buf);
      if (f === null) {
        this.need = Math.max(this.length + 1, requiredBytes(buf));
        break;
      }
      out.push(f);
      const rest = buf.subarray(f.wireLength);
      this.chunks = rest.length ? [rest] : [];
      this.length = rest.length;
      this.need = 2;
    }
    return out;
  }

  get pending() {
    return this.length;
  }
}

// How many bytes the frame starting at buf[0] needs, as far as its header tells.
function requiredBytes(buf) {
  if (buf.length < 2) return 2;
  const len7 = buf[1] & 0x7f;
  const maskLen = buf[1] & 0x80 ? 4 : 0;
  if (len7 < 126) return 2 + maskLen + len7;
  if (len7 === 126) return buf.length < 4 ? 4 : 4 + maskLen + buf.readUInt16BE(2);
  return buf.length < 10 ? 10 : 10 + maskLen + Number(buf.readBigUInt64BE(2));
}

function parseFrame(buf) {
  if (buf.length < 2) return null;
  const b0 = buf[0];
  const b1 = buf[1];
  const f = {
    fin: Boolean(b0 & 0x80),
    rsv: (b0 >> 4) & 7,
    opcode: b0 & 0x0f,
    masked: Boolean(b1 & 0x80),
    lengthEncoding: '7',
    problems: [],
  };
  let n = b1 & 0x7f;
  let at = 2;
  if (n === 126) {
    if (buf.length < 4) return null;
    n = buf.readUInt16BE(2);
    at = 4;
    f.lengthEncoding = '16';
    if (n < 126) f.problems.push(`16-bit length for ${n} bytes`);
  } else if (n === 127) {
    if (buf.length < 10) return null;
    const big = buf.readBigUInt64BE(2);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
      f.problems.push(`64-bit length ${big}`);
      n = Number.MAX_SAFE_INTEGER;
    } else {
      n = Number(big);
    }
    at = 10;
    f.lengthEncoding = '64';
    if (n <= 0xffff) f.problems.push(`64-bit length for ${n} bytes`);
  }
  let key = null;
  if (f.masked) {
    if (buf.length < at + 4) return null;
    key = buf.subarray(at, at + 4);
    at += 4;
    f.problems.push('a server frame is masked (RFC 6455 5.1)');
  }
  if (buf.length < at + n) return null;
  let payload = buf.subarray(at, at + n);
  if (key) payload = Buffer.from(payload.map((b, i) => b ^ key[i & 3]));
  f.payload = Buffer.from(payload); // a copy: the reader's buffer is reused
  f.wireLength = at + n;
  if (f.rsv) f.problems.push(`RSV bits ${f.rsv} set without an extension`);
  if (![0, 1, 2, 8, 9, 10].includes(f.opcode)) f.problems.push(`reserved opcode ${f.opcode}`);
  if (f.opcode & 8) {
    if (!f.fin) f.problems.push('a fragmented control frame');
    if (n > 125) f.problems.push(`a control frame of ${n} bytes`);
  }
  if (f.opcode === OP.close) {
    if (n === 1) f.problems.push('a close frame with a 1-byte payload');
    f.closeCode = n >= 2 ? payload.readUInt16BE(0) : null;
    f.closeReason = n > 2 ? payload.subarray(2).toString('utf8') : '';
  }
  return f;
}

export const opName = (op) =>
  Object.entries(OP).find(([, v]) => v === op)?.[0] ?? `opcode ${op}`;

export function describeFrame(f) {
  const what = f.opcode === OP.close ? `close ${f.closeCode} "${f.closeReason}"` :
    `${opName(f.opcode)} ${f.payload.length} B ${JSON.stringify(f.payload.toString('utf8').slice(0, 80))}`;
  return `${f.fin ? '' : '(FIN=0) '}${what}`;
}

// The Sec-WebSocket-Accept a server must answer for `key`.
export function acceptFor(key) {
  return createHash('sha1').update(key + GUID).digest('base64');
}

export class RawWs {
  // Opens a TCP connection and upgrades it with `token` in the query (as the ws
  // clients of the other tests do). early: bytes sent in the same write as the
  // request, before the 101 arrives. Rejects if the answer is not a valid 101.
  static connect(srv, token, { name = 'raw-ws', early, headers = {} } = {}) {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ port: srv.port, host: '127.0.0.1', allowHalfOpen: true });
      const key = randomBytes(16).toString('base64');
      const path = `/api/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`${name}: no upgrade answer within ${WAIT_MS} ms`));
      }, WAIT_MS);
      let head = Buffer.alloc(0);
      const onData = (d) => {
        head = Buffer.concat([head, d]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        sock.off('data', onData);
        sock.off('error', onError);
        clearTimeout(timer);
        const text = head.subarray(0, end).toString('latin1');
        const [status, ...lines] = text.split('\r\n');
        const hdrs = {};
        for (const l of lines) {
          const i = l.indexOf(':');
          hdrs[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
        }
        if (!/^HTTP\/1\.1 101 /.test(status) || hdrs['sec-websocket-accept'] !== acceptFor(key)) {
          sock.destroy();
          const err = new Error(`${name}: upgrade refused or wrong: ${text.slice(0, 400)}`);
          err.status = Number(status.split(' ')[1]);
          reject(err);
          return;
        }
        resolve(new RawWs(sock, name, head.subarray(end + 4), hdrs));
      };
      const onError = (e) => {
        clearTimeout(timer);
        reject(new Error(`${name}: ${e.message}`));
      };
      sock.on('data', onData);
      sock.once('error', onError);
      sock.once('connect', () => {
        const req = [
          `GET ${path} HTTP/1.1`,
          `Host: 127.0.0.1:${srv.port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${key}`,
          'Sec-WebSocket-Version: 13',
          ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        ];
        const bytes = Buffer.from(req.join('\r\n') + '\r\n\r\n');
        sock.write(early ? Buffer.concat([bytes, early]) : bytes);
      });
    });
  }

  constructor(sock, name, rest, headers) {
    this.sock = sock;
    this.name = name;
    this.headers = headers;
    this.reader = new FrameReader();
    this.frames = new Inbox(name); // every server frame, in order
    this.json = new Inbox(`${name} (JSON)`); // the objects of the text frames, in order
    this.jsonFrame = new WeakMap(); // object -> the frame it came in
    this.problems = []; // frames a server must not send, described
    this.bytesIn = 0;
    this.serverEnded = false; // the server's FIN arrived (we never end first: allowHalfOpen)
    this.error = null;
    this.closeFrame = null;
    // keep=false: frames are not queued (a long stream); onFrame sees each one.
    this.keep = true;
    this.onFrame = null;
    this.ended = new Promise((resolve) => {
      sock.once('end', () => {
        this.serverEnded = true;
        resolve('end');
      });
      sock.once('close', () => resolve('close'));
    });
    this.closed = new Promise((resolve) => {
      sock.once('close', () => {
        const why = this.error ? `socket error ${this.error.code}` : 'TCP closed';
        this.frames.end(why);
        this.json.end(why);
        resolve({ serverEnded: this.serverEnded, error: this.error });
      });
    });
    sock.on('error', (e) => {
      this.error = e;
    });
    sock.on('data', (d) => this.onBytes(d));
    if (rest.length) this.onBytes(rest);
  }

  onBytes(d) {
    this.bytesIn += d.length;
    for (const f of this.reader.push(d)) {
      for (const p of f.problems) this.problems.push(`${describeFrame(f)}: ${p}`);
      if (this.closeFrame && f.opcode !== OP.close) {
        this.problems.push(`${describeFrame(f)}: a frame after the server's close frame`);
      }
      if (f.opcode === OP.close) this.closeFrame ??= f;
      this.onFrame?.(f);
      if (!this.keep) continue;
      this.frames.push(f);
      if (f.opcode !== OP.text) continue;
      const lines = f.payload.toString('utf8').split('\n').filter((l) => l.trim() !== '');
      f.jsonLeft = lines.length;
      for (const line of lines) {
        let o;
        try {
          o = JSON.parse(line);
        } catch {
          o = { type: '__unparsable__', text: line };
        }
        this.jsonFrame.set(o, f);
        this.json.push(o);
      }
    }
  }

  get isClosed() {
    return this.sock.destroyed;
  }

  // Writes bytes as they are (one or several frames, or part of one).
  write(bytes) {
    if (this.sock.destroyed || this.sock.writableEnded) return false;
    return this.sock.write(bytes);
  }

  sendFrame(opts) {
    return this.write(encodeFrame(opts));
  }

  sendText(obj) {
    return this.sendFrame({ opcode: OP.text, payload: typeof obj === 'string' ? obj : JSON.stringify(obj) });
  }

  // Writes bytes one at a time, each in its own write, awaiting each: every frame
  // boundary and every byte of a header is cut somewhere.
  async writeChopped(bytes, size = 1) {
    for (let at = 0; at < bytes.length; at += size) {
      await new Promise((resolve, reject) => {
        this.sock.write(bytes.subarray(at, at + size), (e) => (e ? reject(e) : resolve()));
      });
    }
  }

  nextFrame(pred = () => true, what = 'a frame', timeoutMs = WAIT_MS) {
    return this.frames.next(pred, timeoutMs, what);
  }

  // The next JSON object of the server's text frames that matches pred (a server
  // text frame may join several objects with "\n"); the others stay queued.
  // A frame whose objects have all been taken is taken too (see pendingFrames()).
  async nextJson(pred = () => true, what = 'a JSON frame', timeoutMs = WAIT_MS) {
    const o = await this.json.next(pred, timeoutMs, what);
    const f = this.jsonFrame.get(o);
    if (f && --f.jsonLeft === 0) {
      const i = this.frames.queue.indexOf(f);
      if (i >= 0) this.frames.queue.splice(i, 1);
    }
    return o;
  }

  // Waits for the server's close frame (asserting its code), then for the server
  // to end the TCP connection; returns the close frame. Frames that came before it
  // are left queued.
  async expectClose(code, what = `close ${code}`) {
    const f = await this.nextFrame((x) => x.opcode === OP.close, what);
    assert.equal(f.closeCode, code, `${this.name}: want ${what}, got ${describeFrame(f)}`);
    await this.expectTcpEnd(`the TCP close after ${describeFrame(f)}`);
    return f;
  }

  // Waits until the server ends the TCP connection (its FIN, or a reset).
  async expectTcpEnd(what = 'the server to close the TCP connection') {
    let timer;
    const r = await Promise.race([
      this.ended,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(null), WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    assert.ok(r !== null, `${this.name}: timed out after ${WAIT_MS} ms waiting for ${what}`);
    this.sock.destroy();
    return r;
  }

  // Asserts the server sent no frame a server must not send.
  assertWellFormed() {
    assert.deepEqual(this.problems, [], `${this.name}: the server sent frames it must not`);
  }

  // Frames received and not taken yet (by nextFrame(), or all their objects by
  // nextJson()).
  pendingFrames() {
    return this.frames.peek();
  }

  // Stops reading from the socket: the kernel's buffers fill, then the server's.
  pause() {
    this.sock.pause();
  }

  resume() {
    this.sock.resume();
  }

  destroy() {
    this.sock.destroy();
    return this.closed;
  }
}
