// What the server writes to its log: never a secret a client sent or was given
// (passwords, JWTs, session cookies), even at LOG_LEVEL=trace; and with
// LOG_FORMAT=json, one JSON object per line.
import assert from 'node:assert/strict';
import { test } from './lib/test.mjs';
import { startServer } from './lib/server.mjs';
import { clientFor, data, unique } from './lib/client.mjs';

const PASSWORD = 'hunter2-but-longer-and-secret';

// Lines the server printed, without the harness's own "--- [label run n]" lines.
function serverLines(srv) {
  return srv.output.filter((l) => !l.startsWith('--- ')).map((l) => l.replace(/^\[(out|err)\] /, ''));
}

// Signs in every way, uses the credentials everywhere a client can put them, then
// stops the server so every line it would write is in srv.output. Returns the
// secrets it handed out or sent.
async function exercise(srv) {
  const c = clientFor(srv);
  const name = unique('logme');
  await c.register(name, PASSWORD);
  const login = await c.api('POST', '/api/login', { username: name, password: PASSWORD });
  const token = data(login, 200, 'login').token;
  failed401(await c.api('POST', '/api/login', { username: name, password: `${PASSWORD}-wrong` }));
  const guestRes = await c.api('POST', '/api/guest', { name: 'Log Guest' });
  const guestToken = data(guestRes, 200, 'guest').token;
  const cookies = [login, guestRes].flatMap((r) => [].concat(r.headers['set-cookie'] ?? []))
    .map((s) => s.split(';')[0]).filter((s) => s.startsWith('parley_session='));
  assert.ok(cookies.length >= 1, 'a login sets the session cookie');

  const room = await c.createRoom(token, unique('log-room'), 'public');
  data(await c.api('GET', `/api/me?token=${encodeURIComponent(token)}`), 200, 'me by ?token=');
  data(await c.api('GET', '/api/me', undefined, guestToken), 200, 'me by header');
  data(await c.api('GET', '/api/me', undefined, undefined, { headers: { cookie: cookies[0] } }), 200, 'me by cookie');
  // Refused credentials are not logged either.
  assert.equal((await c.api('GET', `/api/me?token=${encodeURIComponent(`${token}x`)}`)).status, 401);
  assert.equal((await c.api('GET', '/api/nope?token=' + encodeURIComponent(token))).status, 404);

  const sse = await c.sseConnect(`/api/rooms/${room.id}/events`, { token, tokenInQuery: true });
  const feed = await c.sseConnect('/api/events', { token: guestToken, tokenInQuery: true });
  const ws = await c.wsConnect(token, { name: 'log-ws' });
  ws.subscribe(room.id);
  await ws.next((f) => f.type === 'subscribed', undefined, 'subscribed');
  const m = await c.post(guestToken, room.id, 'a message');
  await ws.event(room.id, m.seq);
  await sse.stored(1);
  await ws.close();
  await sse.close();
  await feed.close();
  await srv.stop();
  return [PASSWORD, `${PASSWORD}-wrong`, token, guestToken, `${token}x`,
    ...cookies.map((s) => s.slice('parley_session='.length))];
}

function failed401(res) {
  assert.equal(res.status, 401, `wrong password: HTTP ${res.status}`);
}

// Each secret and the parts of it a logger might print on their own (a JWT's
// signature, a URL-encoded copy).
function forms(secret) {
  const out = new Set([secret, encodeURIComponent(secret)]);
  const parts = secret.split('.');
  if (parts.length === 3) out.add(parts[2]);
  return [...out].filter((s) => s.length >= 8);
}

test('passwords, tokens and session cookies never reach the log, even at LOG_LEVEL=trace', async () => {
  const srv = await startServer({
    env: { LOG_LEVEL: 'trace', OPEN_REGISTRATION: 'true', ENABLE_PASSWORD_LOGIN: 'true' },
    label: 'trace-log',
  });
  try {
    const secrets = await exercise(srv);
    const lines = serverLines(srv);
    assert.ok(lines.some((l) => l.includes('listening on')), 'the log was captured');
    for (const secret of secrets) {
      for (const form of forms(secret)) {
        const leak = lines.find((l) => l.includes(form));
        assert.equal(leak, undefined, `a secret (${form.slice(0, 6)}…) is in the log: ${leak}`);
      }
    }
  } finally {
    await srv.close();
  }
});

test('LOG_FORMAT=json: every line the server writes is one JSON object with time, level and msg', async () => {
  const srv = await startServer({
    // trace, so that as many kinds of line as possible are checked; a generated
    // secret's warning is one more.
    env: { LOG_FORMAT: 'json', LOG_LEVEL: 'trace', SESSION_SECRET: '' },
    label: 'json-log',
  });
  try {
    await exercise(srv).catch(() => {}); // whatever it logs; the checks are below
    if (srv.running) await srv.stop();
    const lines = serverLines(srv).filter((l) => l !== '');
    assert.ok(lines.length >= 3, `some lines were written: ${lines.length}`);
    const levels = new Set();
    for (const line of lines) {
      let o;
      assert.doesNotThrow(() => { o = JSON.parse(line); }, `not JSON: ${line}`);
      assert.equal(typeof o, 'object', line);
      assert.equal(typeof o.msg, 'string', `msg: ${line}`);
      assert.equal(typeof o.level, 'string', `level: ${line}`);
      assert.match(o.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, `time: ${line}`);
      levels.add(o.level);
    }
    assert.ok(lines.some((l) => JSON.parse(l).msg.includes('listening on http://')), 'the ready line is there');
    assert.ok(levels.has('info') && levels.has('warning'), `info and warning lines: ${[...levels]}`);
  } finally {
    await srv.close();
  }
});

test('LOG_FORMAT must be text or json', async () => {
  const srv = await startServer({ env: { LOG_FORMAT: 'xml' }, label: 'bad-log-format' }).then(
    (s) => s, (e) => e);
  if (!(srv instanceof Error)) {
    await srv.close();
    assert.fail('the server started with LOG_FORMAT=xml');
  }
  assert.match(srv.message, /LOG_FORMAT: 'xml' is not one of text, json/);
});
