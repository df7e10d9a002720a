// Clients for the tests: JSON API (node:http), WebSocket (ws), SSE (fetch + a
// small parser) and a raw keep-alive HTTP connection. Every wait has a timeout
// that fails with a message saying what was awaited; nothing sleeps.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import { TIME_SCALE } from './server.mjs';

export const WAIT_MS = 10_000 * TIME_SCALE;

// ---------------------------------------------------------------------------
// Plain HTTP. One connection per request (agent: false, "Connection: close"), so
// a test knows exactly which connections it holds open (the connection cap test
// depends on it).

export function httpRequest(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, raw, text: raw.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.setTimeout(WAIT_MS, () => req.destroy(new Error(`${method} ${url}: no response within ${WAIT_MS} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// Checks the API.md envelope: {code:0, message, data} on success,
// {code:<status>, message:<reason>, data:null} on error.
export function checkEnvelope(res, what) {
  const ctx = `${what}: HTTP ${res.status} ${res.text.slice(0, 500)}`;
  assert.match(String(res.headers['content-type'] || ''), /application\/json/,
    `${ctx}\n  -> an /api/ response with a body must be JSON (content-type ${res.headers['content-type']})`);
  const b = res.body;
  assert.ok(b !== null && typeof b === 'object' && !Array.isArray(b), `${ctx}\n  -> body must be an envelope object`);
  for (const k of ['code', 'message', 'data']) assert.ok(k in b, `${ctx}\n  -> envelope lacks "${k}"`);
  assert.equal(typeof b.message, 'string', `${ctx}\n  -> envelope message must be a string`);
  if (res.status < 400) {
    assert.equal(b.code, 0, `${ctx}\n  -> success envelope must have code 0`);
  } else {
    assert.equal(b.code, res.status, `${ctx}\n  -> error envelope code must equal the HTTP status`);
    assert.equal(b.data, null, `${ctx}\n  -> error envelope data must be null`);
    assert.ok(b.message.length > 0, `${ctx}\n  -> error envelope needs a human readable message`);
  }
}

// A client bound to a server; reads srv.url at each call, so it survives restart().
export function clientFor(srv) {
  // api(method, path, body, token, opts) -> {status, body, headers, text}
  //   body: object -> JSON; string or Buffer -> sent as is (content-type JSON)
  //   opts.headers: extra headers; opts.envelope=false: skip the envelope check
  async function api(method, path, body, token, opts = {}) {
    const headers = { accept: 'application/json', ...(opts.headers || {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    let payload;
    if (body !== undefined && body !== null) {
      payload = Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
    }
    const res = await httpRequest(srv.url + path, { method, headers, body: payload });
    res.body = null;
    if (res.raw.length > 0 && /json/.test(String(res.headers['content-type'] || ''))) {
      try {
        res.body = JSON.parse(res.text);
      } catch {
        assert.fail(`${method} ${path}: HTTP ${res.status} with a JSON content-type but an unparsable body: ${res.text.slice(0, 300)}`);
      }
    }
    if (opts.envelope !== false && path.startsWith('/api/') && res.status !== 204 && res.raw.length > 0) {
      checkEnvelope(res, `${method} ${path}`);
    }
    return res;
  }

  async function guest(name) {
    const d = data(await api('POST', '/api/guest', { name }), 200, `guest login ${name}`);
    assert.equal(typeof d.token, 'string', 'guest login returns a token');
    assert.equal(typeof d.user_id, 'string', 'guest login returns a user_id');
    return { ...d, name };
  }

  async function register(username, password) {
    return data(await api('POST', '/api/register', { username, password }), 201, `register ${username}`);
  }

  async function login(username, password) {
    return data(await api('POST', '/api/login', { username, password }), 200, `login ${username}`);
  }

  async function createRoom(token, name, visibility = 'public') {
    return data(await api('POST', '/api/rooms', { name, visibility }, token), 201, `create room ${name}`);
  }

  async function join(token, roomId) {
    const res = await api('POST', `/api/rooms/${roomId}/join`, undefined, token);
    assert.equal(res.status, 204, `join ${roomId}: HTTP ${res.status} ${res.text}`);
  }

  async function post(token, roomId, text, extra = {}) {
    return data(await api('POST', `/api/rooms/${roomId}/messages`, { text, ...extra }, token), 201,
      `post to ${roomId}`);
  }

  async function room(token, roomId) {
    return data(await api('GET', `/api/rooms/${roomId}`, undefined, token), 200, `get room ${roomId}`);
  }

  // Every stored event of a room, paging with after= (limit 100).
  async function allEvents(token, roomId) {
    const out = [];
    let after = 0;
    for (;;) {
      const page = data(await api('GET', `/api/rooms/${roomId}/messages?after=${after}&limit=100`, undefined, token),
        200, `history of ${roomId} after ${after}`);
      out.push(...page.events);
      if (!page.has_more || page.events.length === 0) break;
      after = page.events[page.events.length - 1].seq;
    }
    return out;
  }

  function wsConnect(token, opts = {}) {
    return openWs(srv.wsUrl, token, opts);
  }

  function sseConnect(path, opts = {}) {
    return openSse(srv.url, path, opts);
  }

  return { api, guest, register, login, createRoom, join, post, room, allEvents, wsConnect, sseConnect };
}

// The success data of a response, after checking its status.
export function data(res, status = 200, what = 'request') {
  assert.equal(res.status, status, `${what}: want HTTP ${status}, got ${res.status} ${res.text.slice(0, 500)}`);
  return res.body?.data;
}

// Asserts an error response: the status and its envelope.
export function failed(res, status, what = 'request') {
  const want = Array.isArray(status) ? status : [status];
  assert.ok(want.includes(res.status), `${what}: want HTTP ${want.join(' or ')}, got ${res.status} ${res.text.slice(0, 500)}`);
  return res.body;
}

// Resolves cond() (sync or async) to truthy by polling, or fails with `what`.
// For conditions that have no event to await (token expiry, presence).
export async function eventually(cond, what, timeoutMs = WAIT_MS, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await cond();
    if (last) return last;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ---------------------------------------------------------------------------
// An async queue: items arrive, next(pred) takes the first matching one (others
// stay queued in order), with a timeout.

export class Inbox {
  constructor(name) {
    this.name = name;
    this.all = []; // everything ever received, in order
    this.queue = []; // not yet taken by next()
    this.waiters = [];
    this.endedWith = null; // set when no more items can arrive
  }

  push(item) {
    this.all.push(item);
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i];
      if (w.pred(item)) {
        this.waiters.splice(i, 1);
        clearTimeout(w.timer);
        w.resolve(item);
        return;
      }
    }
    this.queue.push(item);
  }

  end(reason) {
    this.endedWith = reason;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error(`${this.name}: ended (${reason}) while waiting for ${w.what}; ` +
        `${this.all.length} items received, last: ${JSON.stringify(this.all.slice(-3))}`));
    }
  }

  next(pred = () => true, timeoutMs = WAIT_MS, what = 'an item') {
    const i = this.queue.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]);
    if (this.endedWith !== null) {
      return Promise.reject(new Error(`${this.name}: ended (${this.endedWith}) before ${what}; ` +
        `${this.all.length} items received, last: ${JSON.stringify(this.all.slice(-3))}`));
    }
    return new Promise((resolve, reject) => {
      const w = { pred, resolve, reject, what };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}; ` +
          `${this.all.length} items received, last: ${JSON.stringify(this.all.slice(-3)).slice(0, 1500)}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  // The next n items matching pred, in order.
  async take(pred, n, timeoutMs = WAIT_MS, what = 'items') {
    const out = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < n) {
      out.push(await this.next(pred, Math.max(1, deadline - Date.now()), `${what} (${out.length}/${n} so far)`));
    }
    return out;
  }

  // Items currently queued that match pred (not taken).
  peek(pred = () => true) {
    return this.queue.filter(pred);
  }
}

// ---------------------------------------------------------------------------
// WebSocket

export function wsUrlWithToken(wsBase, token, query = {}) {
  const u = new URL(wsBase + '/api/ws');
  if (token) u.searchParams.set('token', token);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}

// Resolves to a WsClient once open; rejects with err.status = the HTTP status if
// the upgrade is refused.
export function openWs(wsBase, token, { headers = {}, query = {}, name = 'ws' } = {}) {
  const url = wsUrlWithToken(wsBase, token, query);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false, handshakeTimeout: WAIT_MS });
    const client = new WsClient(ws, name);
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (req, res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const err = new Error(`${name}: upgrade refused with HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`);
        err.status = res.statusCode;
        err.body = Buffer.concat(chunks).toString();
        reject(err);
        req.destroy();
      });
    });
    ws.once('error', (e) => reject(new Error(`${name}: ${e.message}`)));
  });
}

// The HTTP status a refused upgrade got (or 101 if it was accepted, then closed).
export async function wsUpgradeStatus(wsBase, token, opts = {}) {
  try {
    const c = await openWs(wsBase, token, opts);
    await c.close();
    return 101;
  } catch (e) {
    if (e.status) return e.status;
    throw e;
  }
}

export class WsClient {
  constructor(ws, name) {
    this.ws = ws;
    this.name = name;
    this.inbox = new Inbox(name);
    this.rawFrames = [];
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        const r = { code, reason: reason.toString() };
        this.closeInfo = r;
        this.inbox.end(`closed ${code} ${r.reason}`);
        resolve(r);
      });
    });
    ws.on('error', () => {}); // surfaced through 'close'
    ws.on('message', (buf, isBinary) => {
      const text = buf.toString('utf8');
      this.rawFrames.push(text);
      if (isBinary) {
        this.inbox.push({ type: '__binary__', text });
        return;
      }
      // Several JSON objects may share a frame, separated by "\n".
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        let obj;
        try {
          obj = JSON.parse(line);
        } catch {
          obj = { type: '__unparsable__', text: line };
        }
        this.inbox.push(obj);
      }
    });
  }

  get all() {
    return this.inbox.all;
  }

  get isOpen() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(obj) {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  next(pred, timeoutMs, what) {
    return this.inbox.next(pred, timeoutMs, what);
  }

  take(pred, n, timeoutMs, what) {
    return this.inbox.take(pred, n, timeoutMs, what);
  }

  // Waits for the ack of client_id; returns it.
  ack(clientId, timeoutMs) {
    return this.next((f) => f.type === 'ack' && f.client_id === clientId, timeoutMs, `ack of ${clientId}`);
  }

  // The next stored event of room with seq.
  event(room, seq, timeoutMs) {
    return this.next((f) => f.type === 'event' && f.room === room && f.seq === seq, timeoutMs,
      `event ${room}#${seq}`);
  }

  // The next n events of room, in arrival order.
  events(room, n, timeoutMs = WAIT_MS) {
    return this.take((f) => f.type === 'event' && f.room === room, n, timeoutMs, `${n} events of ${room}`);
  }

  subscribe(room, since) {
    this.send(since === undefined ? { type: 'subscribe', room } : { type: 'subscribe', room, since });
  }

  async close(code = 1000) {
    if (this.ws.readyState === WebSocket.CLOSED) return this.closeInfo;
    this.ws.close(code);
    let timer;
    const r = await Promise.race([
      this.closed,
      new Promise((res) => { timer = setTimeout(() => res(null), 3000); }),
    ]);
    clearTimeout(timer);
    if (r === null) {
      this.ws.terminate();
      return this.closed;
    }
    return r;
  }

  terminate() {
    this.ws.terminate();
    return this.closed;
  }
}

// ---------------------------------------------------------------------------
// Server-Sent Events over fetch(). Node 20 has no EventSource.

// Parses an SSE byte stream (a ReadableStream of Uint8Array). Yields, per block
// ended by a blank line, {id, event, data, retry} (fields absent when the block had
// no such line), and {comment} for each comment line as it comes.
export async function* parseSse(body) {
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  let rec = {};
  let dataLines = null;
  const flushBlock = function* () {
    if (dataLines !== null) rec.data = dataLines.join('\n');
    if (Object.keys(rec).length > 0) yield rec;
    rec = {};
    dataLines = null;
  };
  const handleLine = function* (line) {
    if (line === '') {
      yield* flushBlock();
      return;
    }
    if (line.startsWith(':')) {
      yield { comment: line.slice(1).replace(/^ /, '') };
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') (dataLines ??= []).push(value);
    else if (field === 'event') rec.event = value;
    else if (field === 'id') rec.id = value;
    else if (field === 'retry') rec.retry = value;
    else rec[`unknown:${field}`] = value;
  };
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    for (;;) {
      const m = /\r\n|\r|\n/.exec(buf);
      if (!m) break;
      // A lone "\r" at the end may be the first half of "\r\n": wait for more.
      if (m[0] === '\r' && m.index === buf.length - 1) break;
      const line = buf.slice(0, m.index);
      buf = buf.slice(m.index + m[0].length);
      yield* handleLine(line);
    }
  }
  buf += decoder.decode();
  if (buf.length > 0) yield* handleLine(buf.replace(/\r$/, ''));
  // A block without its final blank line is discarded, as EventSource does.
}

// Opens an SSE stream; resolves once the response headers are in (status 200 and
// text/event-stream checked), rejects with err.status otherwise.
//   opts: token (Bearer header), tokenInQuery (use ?token= instead), lastEventId,
//         since (?since=), headers, name
export async function openSse(base, path, opts = {}) {
  const u = new URL(base + path);
  if (opts.token && opts.tokenInQuery) u.searchParams.set('token', opts.token);
  if (opts.since !== undefined) u.searchParams.set('since', String(opts.since));
  const headers = { accept: 'text/event-stream', ...(opts.headers || {}) };
  if (opts.token && !opts.tokenInQuery) headers.authorization = `Bearer ${opts.token}`;
  if (opts.lastEventId !== undefined) headers['last-event-id'] = String(opts.lastEventId);
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error('no response headers')), WAIT_MS);
  let res;
  try {
    res = await fetch(u, { headers, signal: ac.signal });
  } finally {
    clearTimeout(timer);
  }
  if (res.status !== 200) {
    const text = await res.text().catch(() => '');
    const err = new Error(`SSE ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    err.status = res.status;
    throw err;
  }
  const ct = res.headers.get('content-type') || '';
  if (!ct.startsWith('text/event-stream')) {
    ac.abort();
    assert.fail(`SSE ${path}: content-type is "${ct}", want text/event-stream`);
  }
  return new SseClient(res, ac, opts.name || `sse ${path}`);
}

export class SseClient {
  constructor(res, ac, name) {
    this.res = res;
    this.ac = ac;
    this.name = name;
    this.inbox = new Inbox(name);
    this.ended = (async () => {
      try {
        for await (const rec of parseSse(res.body)) {
          if (rec.data !== undefined) {
            try {
              rec.json = JSON.parse(rec.data);
            } catch {
              // not JSON (HTML stream): leave rec.json undefined
            }
          }
          this.inbox.push(rec);
        }
        this.inbox.end('stream ended');
        return { ended: 'eof' };
      } catch (e) {
        this.inbox.end(`stream error: ${e.message}`);
        return { ended: 'error', error: e };
      }
    })();
  }

  get all() {
    return this.inbox.all;
  }

  // Blocks that carry an event (data or event field), not comments or bare retry.
  get events() {
    return this.inbox.all.filter((r) => r.data !== undefined || r.event !== undefined);
  }

  next(pred, timeoutMs, what) {
    return this.inbox.next(pred, timeoutMs, what);
  }

  take(pred, n, timeoutMs, what) {
    return this.inbox.take(pred, n, timeoutMs, what);
  }

  // The next n stored events (blocks with an id:), in order.
  stored(n, timeoutMs = WAIT_MS) {
    return this.take((r) => r.id !== undefined, n, timeoutMs, `${n} stored SSE events`);
  }

  close() {
    this.ac.abort();
    return this.ended;
  }
}

// ---------------------------------------------------------------------------
// A raw HTTP/1.1 keep-alive connection: several requests on one TCP socket.

export class RawHttp {
  static open(srv) {
    return new Promise((resolve, reject) => {
      const sock = net.connect(srv.port, '127.0.0.1', () => resolve(new RawHttp(sock, srv)));
      sock.once('error', reject);
    });
  }

  constructor(sock, srv) {
    this.sock = sock;
    this.host = `127.0.0.1:${srv.port}`;
    this.buf = Buffer.alloc(0);
    this.closed = false;
    this.wake = null;
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
    sock.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    sock.on('error', () => {});
  }

  // Sends one request; body: string | Buffer.
  async request(method, path, { headers = {}, body } = {}) {
    const b = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
    const lines = [`${method} ${path} HTTP/1.1`, `Host: ${this.host}`, 'Connection: keep-alive'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (body !== undefined) lines.push(`Content-Length: ${b.length}`);
    this.sock.write(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), b]));
    return this.readResponse(`${method} ${path}`);
  }

  async waitData(what, deadline) {
    if (this.closed) throw new Error(`raw connection closed by the server while reading ${what}; got: ${this.buf.toString().slice(0, 300)}`);
    await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`raw connection: timed out reading ${what}`)), Math.max(1, deadline - Date.now()));
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  async readResponse(what) {
    const deadline = Date.now() + WAIT_MS;
    let end;
    while ((end = this.buf.indexOf('\r\n\r\n')) < 0) await this.waitData(what, deadline);
    const head = this.buf.subarray(0, end).toString('latin1');
    this.buf = this.buf.subarray(end + 4);
    const [statusLine, ...hl] = head.split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    const headers = {};
    for (const l of hl) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    let body;
    if (/chunked/i.test(headers['transfer-encoding'] || '')) {
      const parts = [];
      for (;;) {
        let nl;
        while ((nl = this.buf.indexOf('\r\n')) < 0) await this.waitData(what, deadline);
        const size = parseInt(this.buf.subarray(0, nl).toString(), 16);
        while (this.buf.length < nl + 2 + size + 2) await this.waitData(what, deadline);
        parts.push(this.buf.subarray(nl + 2, nl + 2 + size));
        this.buf = this.buf.subarray(nl + 2 + size + 2);
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else {
      const len = Number(headers['content-length'] || 0);
      while (this.buf.length < len) await this.waitData(what, deadline);
      body = this.buf.subarray(0, len);
      this.buf = this.buf.subarray(len);
    }
    const text = body.toString('utf8');
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status, headers, text, body: json };
  }

  close() {
    this.sock.destroy();
  }
}

// Helpers for unique names.
let uniq = 0;
export function unique(prefix = 'u') {
  return `${prefix}${process.pid.toString(36)}${(++uniq).toString(36)}${Date.now().toString(36).slice(-4)}`;
}
