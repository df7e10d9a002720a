// Authentication: register, login, guests, tokens (header, query, cookie), expiry,
// the response envelope, and the cookie's CSRF defence.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from './lib/test.mjs';
import { TIME_SCALE, startServer, withTimeout } from './lib/server.mjs';
import { WAIT_MS, clientFor, data, eventually, failed, httpRequest, unique, wsUpgradeStatus } from './lib/client.mjs';

const PASSWORD = 'correct horse battery';
const ENV = { OPEN_REGISTRATION: 'true', ENABLE_PASSWORD_LOGIN: 'true' };

let srv;
let c;
before(async () => {
  srv = await startServer({ env: ENV });
  c = clientFor(srv);
});
after(async () => {
  await srv?.close();
});

// Set-Cookie headers of a response, as an array.
function setCookies(res) {
  const h = res.headers['set-cookie'];
  return h === undefined ? [] : Array.isArray(h) ? h : [h];
}

function sessionCookie(res, what) {
  const cookie = setCookies(res).find((s) => /^parley_session=/.test(s));
  assert.ok(cookie, `${what} must set the parley_session cookie; Set-Cookie: ${JSON.stringify(setCookies(res))}`);
  const attrs = cookie.split(';').map((s) => s.trim().toLowerCase());
  assert.ok(attrs.includes('httponly'), `parley_session must be HttpOnly: ${cookie}`);
  assert.ok(attrs.includes('samesite=lax'), `parley_session must be SameSite=Lax: ${cookie}`);
  assert.ok(!attrs.includes('secure'), `parley_session must not be Secure when BASE_URL is not https: ${cookie}`);
  return cookie.split(';')[0]; // "parley_session=value", ready for a Cookie header
}

function b64url(buf) {
  return Buffer.from(buf).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

test('register returns 201 with a user_id', async () => {
  const name = unique('reg');
  const d = await c.register(name, PASSWORD);
  assert.equal(typeof d.user_id, 'string');
  assert.match(d.user_id, /^[A-Za-z0-9_-]{1,64}$/, 'user ids are opaque [A-Za-z0-9_-]{1,64}');
});

test('registering a taken username gets 409', async () => {
  const name = unique('dup');
  await c.register(name, PASSWORD);
  failed(await c.api('POST', '/api/register', { username: name, password: PASSWORD }), 409, 'second register');
});

test('an invalid username or password gets 422', async () => {
  const cases = [
    [{ username: 'a', password: PASSWORD }, 'one-character username'],
    [{ username: 'has space', password: PASSWORD }, 'username with a space'],
    [{ username: 'x'.repeat(200), password: PASSWORD }, '200-character username'],
    [{ username: '', password: PASSWORD }, 'empty username'],
    [{ username: unique('pw'), password: 'short' }, '5-character password'],
    [{ username: unique('pw'), password: '' }, 'empty password'],
  ];
  for (const [body, what] of cases) {
    failed(await c.api('POST', '/api/register', body), 422, `register with ${what}`);
  }
});

test('login with the right password returns a token; a wrong password gets 401', async () => {
  const name = unique('login');
  const { user_id } = await c.register(name, PASSWORD);
  const d = await c.login(name, PASSWORD);
  assert.equal(d.user_id, user_id);
  assert.equal(d.username, name);
  assert.equal(typeof d.token, 'string');
  const me = data(await c.api('GET', '/api/me', undefined, d.token), 200, 'GET /api/me');
  assert.equal(me.id, user_id);
  assert.equal(me.name, name);
  failed(await c.api('POST', '/api/login', { username: name, password: PASSWORD + 'x' }), 401, 'login, wrong password');
  failed(await c.api('POST', '/api/login', { username: unique('nobody'), password: PASSWORD }), 401, 'login, unknown user');
});

test('guest login returns a working token', async () => {
  const g = await c.guest('Guest Ada');
  assert.match(g.user_id, /^[A-Za-z0-9_-]{1,64}$/);
  const me = data(await c.api('GET', '/api/me', undefined, g.token), 200, 'GET /api/me as guest');
  assert.equal(me.id, g.user_id);
  assert.ok(String(me.name).includes('Guest Ada'), `the guest's name is the one chosen: ${JSON.stringify(me)}`);
  for (const k of ['id', 'name', 'avatar_url', 'provider']) assert.ok(k in me, `/api/me data has ${k}: ${JSON.stringify(me)}`);
});

test('GET /api/me accepts a Bearer header and a ?token= query', async () => {
  const g = await c.guest('Bearer Bob');
  const byHeader = data(await c.api('GET', '/api/me', undefined, g.token), 200, 'me by Bearer');
  assert.equal(byHeader.id, g.user_id);
  const byQuery = data(await c.api('GET', `/api/me?token=${encodeURIComponent(g.token)}`), 200, 'me by ?token=');
  assert.equal(byQuery.id, g.user_id);
});

test('GET /api/me without credentials gets 401', async () => {
  failed(await c.api('GET', '/api/me'), 401, 'me without token');
});

test('a tampered, garbage, foreign-signed or alg=none token gets 401', async () => {
  const g = await c.guest('Tamper Tom');
  const [h, p, s] = g.token.split('.');
  assert.ok(h && p && s, `the token is a JWT (three dot-separated parts): ${g.token}`);
  const flip = (str, i) => str.slice(0, i) + (str[i] === 'A' ? 'B' : 'A') + str.slice(i + 1);
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  const otherUser = b64url(JSON.stringify({ ...payload, sub: 'someone-else' }));
  const foreignSig = b64url(createHmac('sha256', 'not-the-secret').update(`${h}.${p}`).digest());
  const none = b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }));
  const bad = {
    'signature changed': `${h}.${p}.${flip(s, 3)}`,
    'payload changed, signature kept': `${h}.${otherUser}.${s}`,
    'signed with another secret': `${h}.${p}.${foreignSig}`,
    'alg none': `${none}.${p}.`,
    garbage: 'not-a-token',
    'three garbage parts': 'abc.def.ghi',
  };
  for (const [what, token] of Object.entries(bad)) {
    failed(await c.api('GET', '/api/me', undefined, token), 401, `me with a token whose ${what}`);
    failed(await c.api('GET', `/api/me?token=${encodeURIComponent(token)}`), 401, `me with ?token= whose ${what}`);
  }
});

test('an expired token gets 401 (JWT_EXPIRATION_SECONDS=1)', async () => {
  const short = await startServer({ env: { ...ENV, JWT_EXPIRATION_SECONDS: '1' }, label: 'short-jwt' });
  try {
    const sc = clientFor(short);
    const g = await sc.guest('Brief Bea');
    const first = await sc.api('GET', '/api/me', undefined, g.token);
    // Issued with a one-second lifetime: it is valid now (or, on a slow machine,
    // already expired, which is what the rest of the test waits for anyway).
    assert.ok([200, 401].includes(first.status), `fresh token: HTTP ${first.status}`);
    await eventually(async () => (await sc.api('GET', '/api/me', undefined, g.token)).status === 401,
      'the 1-second token to be refused with 401', 5000, 100);
    failed(await sc.api('GET', '/api/me', undefined, g.token), 401, 'me with the expired token');
  } finally {
    await short.close();
  }
});

test('a WebSocket opened with a token is closed (1008) when the token expires', async () => {
  const short = await startServer({ env: { ...ENV, JWT_EXPIRATION_SECONDS: '2' }, label: 'ws-expiry' });
  try {
    const sc = clientFor(short);
    const g = await sc.guest('Fleeting Fay');
    const ws = await sc.wsConnect(g.token, { name: 'expiring' });
    const err = await ws.next((f) => f.type === 'error', 5000, 'the token-expired error frame');
    assert.equal(err.code, 401);
    assert.match(err.content, /expired/);
    const closed = await ws.closed;
    assert.equal(closed.code, 1008, `close code: ${JSON.stringify(closed)}`);
  } finally {
    await short.close();
  }
});

test('every JSON response is an envelope {code, message, data}', async () => {
  const g = await c.guest('Envelope Eve');
  // Success: code 0.
  const ok = await c.api('GET', '/api/me', undefined, g.token);
  assert.equal(ok.status, 200);
  assert.deepEqual(Object.keys(ok.body).sort(), ['code', 'data', 'message']);
  assert.equal(ok.body.code, 0);
  // Errors: code = status, data null, a message. (clientFor checks every /api/
  // response; these make the error statuses explicit.)
  const cases = [
    [await c.api('GET', '/api/me'), 401],
    [await c.api('GET', '/api/rooms/does-not-exist', undefined, g.token), 404],
    [await c.api('POST', '/api/login', { username: unique('nobody'), password: PASSWORD }), 401],
    [await c.api('POST', '/api/register', { username: 'a', password: PASSWORD }), 422],
    [await c.api('POST', '/api/rooms', '{"name":', g.token), 400],
  ];
  for (const [res, status] of cases) {
    assert.equal(res.status, status, `HTTP ${res.status} ${res.text}`);
    assert.deepEqual(Object.keys(res.body).sort(), ['code', 'data', 'message']);
    assert.equal(res.body.code, status);
    assert.equal(res.body.data, null);
    assert.equal(typeof res.body.message, 'string');
    assert.ok(res.body.message.length > 0);
  }
});

test('guest and password login set an HttpOnly SameSite=Lax parley_session cookie that authenticates /api/*', async () => {
  const gRes = await c.api('POST', '/api/guest', { name: 'Cookie Cat' });
  assert.equal(gRes.status, 200, gRes.text);
  const cookie = sessionCookie(gRes, 'POST /api/guest');
  const me = data(await c.api('GET', '/api/me', undefined, undefined, { headers: { cookie } }), 200, 'me by cookie');
  assert.equal(me.id, gRes.body.data.user_id);

  const name = unique('ck');
  await c.register(name, PASSWORD);
  const lRes = await c.api('POST', '/api/login', { username: name, password: PASSWORD });
  assert.equal(lRes.status, 200, lRes.text);
  const cookie2 = sessionCookie(lRes, 'POST /api/login');
  const me2 = data(await c.api('GET', '/api/me', undefined, undefined, { headers: { cookie: cookie2 } }), 200, 'me by login cookie');
  assert.equal(me2.id, lRes.body.data.user_id);

  failed(await c.api('GET', '/api/me', undefined, undefined, { headers: { cookie: 'parley_session=forged' } }), 401,
    'me with a forged cookie');
});

test('a cookie-authenticated state-changing request from a foreign Origin gets 403', async () => {
  const gRes = await c.api('POST', '/api/guest', { name: 'Csrf Carl' });
  const cookie = sessionCookie(gRes, 'POST /api/guest');
  const evil = { cookie, origin: 'http://evil.example' };
  failed(await c.api('POST', '/api/rooms', { name: unique('csrf'), visibility: 'public' }, undefined, { headers: evil }),
    403, 'create room by cookie from a foreign Origin');
  // Nothing was created.
  const rooms = data(await c.api('GET', '/api/rooms', undefined, gRes.body.data.token), 200, 'list rooms');
  assert.equal(rooms.filter((r) => r.name.startsWith('csrf')).length, 0, `a room was created: ${JSON.stringify(rooms)}`);

  // The same request from the server's own origin is fine.
  const same = { cookie, origin: srv.url };
  const created = data(await c.api('POST', '/api/rooms', { name: unique('same'), visibility: 'public' }, undefined,
    { headers: same }), 201, 'create room by cookie from the same origin');
  assert.equal(typeof created.id, 'string');

  // A Bearer token is not a cookie: no CSRF defence applies to it.
  data(await c.api('POST', '/api/rooms', { name: unique('bearer'), visibility: 'public' }, gRes.body.data.token,
    { headers: { origin: 'http://evil.example' } }), 201, 'create room by Bearer with a foreign Origin');
});

test('a cookie-authenticated WebSocket upgrade from a foreign Origin is refused', async () => {
  const gRes = await c.api('POST', '/api/guest', { name: 'Ws Wendy' });
  const cookie = sessionCookie(gRes, 'POST /api/guest');
  const status = await wsUpgradeStatus(srv.wsUrl, undefined, { headers: { cookie, origin: 'http://evil.example' } });
  assert.equal(status, 403, 'cookie upgrade with a foreign Origin');
  const okStatus = await wsUpgradeStatus(srv.wsUrl, undefined, { headers: { cookie, origin: srv.url } });
  assert.equal(okStatus, 101, 'cookie upgrade from the same origin');
});

test('an Origin passes only as exactly BASE_URL\'s scheme, host and port', async () => {
  const gRes = await c.api('POST', '/api/guest', { name: 'Origin Olga' });
  const cookie = sessionCookie(gRes, 'POST /api/guest');
  const port = new URL(srv.url).port;
  const near = [
    `http://127.0.0.1:${port}.evil.example`,
    `http://127.0.0.1:${port}x`,
    `http://127.0.0.1:${port}/x`,
    `http://127.0.0.1:${port}/`,
    `http://user@127.0.0.1:${port}`,
    `https://127.0.0.1:${port}`,
    `http://127.0.0.1:${Number(port) + 1}`,
    'null',
  ];
  for (const origin of near) {
    failed(await c.api('POST', '/api/rooms', { name: unique('near'), visibility: 'public' }, undefined,
      { headers: { cookie, origin } }), 403, `create room by cookie with Origin ${origin}`);
    assert.equal(await wsUpgradeStatus(srv.wsUrl, undefined, { headers: { cookie, origin } }), 403,
      `cookie upgrade with Origin ${origin}`);
  }
  // A DNS-rebinding page: its Origin and the Host its browser sends name the same
  // foreign site. The request's own Host makes no Origin acceptable.
  const rebound = { cookie, origin: 'http://rebind.example', host: 'rebind.example' };
  failed(await c.api('POST', '/api/rooms', { name: unique('rebind'), visibility: 'public' }, undefined,
    { headers: rebound }), 403, 'create room by cookie with Origin equal to Host');
  assert.equal(await wsUpgradeStatus(srv.wsUrl, undefined, { headers: rebound }), 403,
    'cookie upgrade with Origin equal to Host');
  // No Origin: a Referer of this server's page stands in for it; a foreign one does not.
  data(await c.api('POST', '/api/rooms', { name: unique('referer'), visibility: 'public' }, undefined,
    { headers: { cookie, referer: `${srv.url}/rooms/x` } }), 201, 'create room by cookie with own Referer');
  failed(await c.api('POST', '/api/rooms', { name: unique('referer'), visibility: 'public' }, undefined,
    { headers: { cookie, referer: 'http://evil.example/rooms/x' } }), 403, 'create room with a foreign Referer');
});

test('ALLOWED_ORIGINS admits exactly the origins it lists', async () => {
  const other = await startServer({ env: { ...ENV, ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:3000' } });
  try {
    const oc = clientFor(other);
    const gRes = await oc.api('POST', '/api/guest', { name: 'Allowed Al' });
    const cookie = sessionCookie(gRes, 'POST /api/guest');
    for (const origin of ['https://app.example.com', 'http://localhost:3000', other.url]) {
      data(await oc.api('POST', '/api/rooms', { name: unique('allowed'), visibility: 'public' }, undefined,
        { headers: { cookie, origin } }), 201, `create room by cookie from ${origin}`);
      assert.equal(await wsUpgradeStatus(other.wsUrl, undefined, { headers: { cookie, origin } }), 101,
        `cookie upgrade from ${origin}`);
    }
    for (const origin of ['https://app.example.com:8443', 'http://app.example.com', 'http://localhost:3001']) {
      failed(await oc.api('POST', '/api/rooms', { name: unique('refused'), visibility: 'public' }, undefined,
        { headers: { cookie, origin } }), 403, `create room by cookie from ${origin}`);
    }
  } finally {
    await other.close();
  }
});

test('a page without credentials redirects to /login', async () => {
  const res = await httpRequest(`${srv.url}/rooms/some-room`);
  assert.equal(res.status, 302, `GET /rooms/some-room without credentials: HTTP ${res.status}`);
  assert.match(String(res.headers.location), /^(https?:\/\/[^/]+)?\/login/, `Location: ${res.headers.location}`);
});

// A token signed with the server's own secret, with the claims of `token` but `exp`
// (and iat) moved into the past: expired, though genuine.
function expiredCopy(token, secret) {
  const [h, p] = token.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const now = Math.floor(Date.now() / 1000);
  const body = b64url(JSON.stringify({ ...claims, iat: now - 120, exp: now - 60 }));
  const sig = b64url(createHmac('sha256', secret).update(`${h}.${body}`).digest());
  return `${h}.${body}.${sig}`;
}

test('SSE streams refuse a bad or expired ?token= with 401: room events and /api/events', async () => {
  const g = await c.guest('Stream Sid');
  const r = await c.createRoom(g.token, unique('sse-auth'), 'public');
  const [h, p, s] = g.token.split('.');
  const expired = expiredCopy(g.token, srv.env.JWT_SECRET);
  // The forged copy is well made: only its expiry is wrong.
  failed(await c.api('GET', '/api/me', undefined, expired), 401, 'me with the expired copy');
  const bad = {
    garbage: 'not-a-token',
    'signature changed': `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`,
    expired,
  };
  for (const path of [`/api/rooms/${r.id}/events`, '/api/events']) {
    // The good token opens the stream (so the 401s below are about the token).
    const ok = await c.sseConnect(path, { token: g.token, tokenInQuery: true });
    await ok.close();
    for (const [what, token] of Object.entries(bad)) {
      for (const tokenInQuery of [true, false]) {
        const err = await c.sseConnect(path, { token, tokenInQuery }).then(
          (x) => { x.close(); return null; }, (e) => e);
        assert.ok(err, `${path} with a token (${what}, ${tokenInQuery ? '?token=' : 'header'}) must be refused`);
        assert.equal(err.status, 401, `${path} with a ${what} token: ${err.message}`);
      }
    }
  }
});

test('a stream opened with a token (SSE or WebSocket) ends when the token expires, and the same token then gets 401', async () => {
  const short = await startServer({ env: { ...ENV, JWT_EXPIRATION_SECONDS: '3' }, label: 'sse-expiry' });
  try {
    const sc = clientFor(short);
    const g = await sc.guest('Passing Pat');
    const r = await sc.createRoom(g.token, unique('sse-exp'), 'public');
    // Both kinds of stream, each by ?token= (as EventSource must) and by header.
    const streams = [];
    for (const path of [`/api/rooms/${r.id}/events`, '/api/events']) {
      for (const tokenInQuery of [true, false]) {
        streams.push([`${path} (${tokenInQuery ? '?token=' : 'header'})`,
          await sc.sseConnect(path, { token: g.token, tokenInQuery })]);
      }
    }
    const ws = await sc.wsConnect(g.token, { name: 'ws-expiry' });
    ws.subscribe(r.id);
    await ws.next((f) => f.type === 'subscribed', WAIT_MS, 'subscribed');
    const issued = JSON.parse(Buffer.from(g.token.split('.')[1], 'base64url').toString());
    // The WebSocket hears why (the error frame goes out before the close), then 1008.
    const closed = await withTimeout(ws.closed, 10_000 * TIME_SCALE, null);
    assert.ok(closed, 'the WebSocket must close once the token expires');
    assert.equal(closed.code, 1008, `WebSocket close: ${JSON.stringify(closed)}`);
    assert.ok(ws.all.some((f) => f.type === 'error' && f.code === 401 && /expired/.test(f.content)),
      `the WebSocket is told why: ${JSON.stringify(ws.all)}`);
    assert.ok(Date.now() / 1000 >= issued.exp - 1, 'the WebSocket is not closed before the expiry');
    for (const [what, s] of streams) {
      const end = await withTimeout(s.ended, 10_000 * TIME_SCALE, null);
      assert.ok(end, `${what}: the stream must end once the token expires`);
      assert.equal(end.ended, 'eof', `${what}: the server ends the stream cleanly: ${JSON.stringify(end)}`);
      assert.ok(s.all.some((x) => x.comment === 'token expired'), `${what}: says why: ${JSON.stringify(s.all)}`);
      assert.ok(Date.now() / 1000 >= issued.exp - 1, `${what}: not before the token's expiry`);
    }
    const again = await sc.sseConnect(`/api/rooms/${r.id}/events`, { token: g.token, tokenInQuery: true }).then(
      (x) => { x.close(); return null; }, (e) => e);
    assert.equal(again?.status, 401, 'reconnecting with the expired token gets 401');
  } finally {
    await short.close();
  }
});
