// Long-lived connections watched by the shard's poller (src/transport/io/poller.hpp):
// connections that never answer still end cleanly, and many idle ones keep working.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from './lib/test.mjs';
import { startServer, withTimeout } from './lib/server.mjs';
import { WAIT_MS, clientFor, httpRequest, unique } from './lib/client.mjs';

// A raw connection that sends `request` and then only collects what comes back: it
// never answers a close frame and never closes by itself.
function rawConnect(srv, request) {
  return new Promise((resolve, reject) => {
    // allowHalfOpen: the server's FIN after its close frame gets no FIN back.
    const sock = net.connect({ port: srv.port, host: '127.0.0.1', allowHalfOpen: true }, () => {
      sock.write(request);
      resolve(conn);
    });
    const conn = { sock, data: Buffer.alloc(0), ended: null };
    conn.ended = new Promise((r) => sock.on('end', () => r(true)));
    sock.on('data', (d) => { conn.data = Buffer.concat([conn.data, d]); });
    sock.on('error', () => {});
    sock.once('error', reject);
  });
}

async function waitFor(cond, what) {
  const until = Date.now() + WAIT_MS;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('SIGTERM with clients that never answer: the server still exits 0 within its grace period', async () => {
  // A grace period shorter than the WebSocket closing handshake's timeout: the shards
  // stop with these sessions still open, and the poller lets them go (under ASan a
  // session left behind fails the exit code with a leak report).
  const srv = await startServer({ label: 'mute-clients', env: { SHUTDOWN_GRACE_SECONDS: '1' } });
  const c = clientFor(srv);
  const conns = [];
  try {
    const a = await c.guest('Mute');
    const r = await c.createRoom(a.token, unique('mute'), 'public');
    const ws = await rawConnect(srv,
      `GET /api/ws?token=${a.token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    conns.push(ws);
    const sse = await rawConnect(srv,
      `GET /api/rooms/${r.id}/events?token=${a.token} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    conns.push(sse);
    await waitFor(() => ws.data.toString('latin1').includes('101 Switching Protocols'), 'the 101');
    await waitFor(() => sse.data.toString('latin1').includes('retry:'), 'the SSE head');

    await srv.stop(); // asserts exit code 0
    for (const x of conns) assert.ok(await withTimeout(x.ended, WAIT_MS, false), 'the connection was closed');
  } finally {
    for (const x of conns) x.sock.destroy();
    await srv.close();
  }
});

test('200 idle WebSockets and SSE streams all get a live event, and their closing is noticed', async () => {
  const srv = await startServer({ label: 'many-idle' });
  const c = clientFor(srv);
  const clients = [];
  const open = async (transport) => {
    const res = await httpRequest(`${srv.url}/metrics`);
    const m = res.text.match(new RegExp(`parley_connections_open\\{transport="${transport}"\\} (\\d+)`));
    return m ? Number(m[1]) : NaN;
  };
  try {
    const a = await c.guest('Many');
    const r = await c.createRoom(a.token, unique('many'), 'public');
    const last = (await c.room(a.token, r.id)).last_seq;
    for (let i = 0; i < 100; i++) {
      const w = await c.wsConnect(a.token, { name: `ws-${i}` });
      w.subscribe(r.id, last);
      clients.push(w);
      clients.push(await c.sseConnect(`/api/rooms/${r.id}/events`, { token: a.token, since: last }));
    }
    const m = await c.post(a.token, r.id, 'to everyone');
    for (const x of clients) {
      if (typeof x.subscribe === 'function') await x.event(r.id, m.seq);
      else await x.stored(1);
    }
    assert.equal(await open('ws'), 100);
    assert.equal(await open('sse'), 100);
    for (const x of clients) await x.close();
    // The server notices each client leaving (its poller reports the peer's close).
    const until = Date.now() + WAIT_MS;
    while ((await open('ws')) !== 0 || (await open('sse')) !== 0) {
      assert.ok(Date.now() < until, `still open: ws ${await open('ws')}, sse ${await open('sse')}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  } finally {
    for (const x of clients) await x.close().catch(() => {});
    await srv.close();
  }
});
