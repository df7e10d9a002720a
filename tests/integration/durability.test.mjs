// Durability: an ack means stored (a seq is "assigned when the event is durably
// stored"), so kill -9 right after the acks loses nothing; SIGTERM drains and exits 0.
import assert from 'node:assert/strict';
import { test } from './lib/test.mjs';
import { startServer, withTimeout } from './lib/server.mjs';
import net from 'node:net';
import { WAIT_MS, clientFor, eventually, unique } from './lib/client.mjs';

// Whether a new TCP connection to the port is refused now.
const refused = (port) => new Promise((resolve) => {
  const sock = net.connect(port, '127.0.0.1');
  sock.once('connect', () => { sock.destroy(); resolve(false); });
  sock.once('error', (e) => resolve(e.code === 'ECONNREFUSED'));
});

const range = (from, to) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

test('every message acked over WebSocket survives kill -9 and a restart on the same database', async () => {
  const srv = await startServer({ label: 'durable' });
  const c = clientFor(srv);
  let w;
  try {
    const a = await c.guest('Durable');
    const r = await c.createRoom(a.token, unique('dur'), 'public');
    const start = (await c.room(a.token, r.id)).last_seq;
    w = await c.wsConnect(a.token, { name: 'ws-durable' });
    const N = 200;
    const acks = new Map(); // client_id -> seq
    const waits = [];
    for (let i = 0; i < N; i++) {
      const id = `dur-${i}`;
      w.send({ type: 'send', room: r.id, text: `durable message ${i} ✓`, client_id: id });
      waits.push(w.ack(id, WAIT_MS * 2).then((ack) => acks.set(id, ack.seq)));
    }
    await Promise.all(waits);
    await srv.kill9(); // right after the last ack
    w.terminate();

    assert.deepEqual([...acks.values()].sort((x, y) => x - y), range(start + 1, start + N), 'acked seqs are dense');

    await srv.restart();
    const events = await c.allEvents(a.token, r.id);
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    for (const [id, seq] of acks) {
      const e = bySeq.get(seq);
      assert.ok(e, `acked seq ${seq} (${id}) is in the history after kill -9`);
      assert.equal(e.kind, 'message');
      assert.equal(e.client_id, id, `seq ${seq} holds ${id}`);
      assert.equal(e.text, `durable message ${id.slice(4)} ✓`);
    }
    assert.deepEqual(events.map((e) => e.seq), range(1, start + N), 'the log is dense after the restart');
    // Numbering continues where it stopped, and a retry of an acked send is still
    // recognised as one.
    const next = await c.post(a.token, r.id, 'after restart');
    assert.equal(next.seq, start + N + 1);
    const retry = await c.api('POST', `/api/rooms/${r.id}/messages`, { text: 'durable message 0 ✓', client_id: 'dur-0' },
      a.token);
    assert.ok([200, 201].includes(retry.status), `retry after restart: ${retry.status} ${retry.text}`);
    assert.equal(retry.body.data.seq, acks.get('dur-0'), 'the retry returns the stored message');
  } finally {
    w?.terminate();
    await srv.close();
  }
});

test('SIGTERM drains: new connections refused, SSE gets retry:, WebSocket 1001, acked and answered writes kept, exit 0', async () => {
  const srv = await startServer({ label: 'graceful' });
  const c = clientFor(srv);
  const clients = [];
  try {
    const a = await c.guest('Graceful');
    const r = await c.createRoom(a.token, unique('term'), 'public');
    const m = await c.post(a.token, r.id, 'before SIGTERM');
    const w = await c.wsConnect(a.token, { name: 'ws-term' });
    clients.push(w);
    w.subscribe(r.id, m.seq - 1);
    await w.event(r.id, m.seq); // subscribed and live
    const s = await c.sseConnect(`/api/rooms/${r.id}/events`, { token: a.token, since: m.seq - 1 });
    clients.push(s);
    await s.stored(1);
    const retriesBefore = s.all.filter((x) => x.retry !== undefined).length;
    // A WebSocket that does not read: the server waits for its closing handshake,
    // which holds the drain open long enough to see the listener closed.
    const slow = await c.wsConnect(a.token, { name: 'ws-slow' });
    clients.push(slow);
    const sender = await c.wsConnect(a.token, { name: 'ws-sender' });
    clients.push(sender);
    const port = srv.port;

    // Writes in flight when SIGTERM arrives: WebSocket sends and REST posts.
    const N = 40;
    const acks = new Map();
    for (let i = 0; i < N; i++) {
      const id = `term-${i}`;
      sender.send({ type: 'send', room: r.id, text: `in flight ${i}`, client_id: id });
      sender.ack(id, WAIT_MS).then((ack) => acks.set(id, ack.seq), () => {});
    }
    const posts = Array.from({ length: 8 }, (_, i) =>
      c.api('POST', `/api/rooms/${r.id}/messages`, { text: `rest in flight ${i}`, client_id: `rest-${i}` }, a.token)
        .then((res) => res, (e) => ({ error: e })));
    slow.ws._socket.pause();
    srv.proc.kill('SIGTERM');

    await eventually(() => refused(port), 'new connections refused after SIGTERM');
    assert.ok(srv.running, 'still draining (the unread WebSocket holds it) while new connections are refused');
    slow.ws._socket.resume();
    const exit = await withTimeout(srv.exited, WAIT_MS * 2, null);
    assert.ok(exit, 'the server exited after draining');
    assert.equal(exit.code, 0, `exit code after SIGTERM: ${JSON.stringify(exit)}`);

    const closed = await withTimeout(w.closed, WAIT_MS, null);
    assert.ok(closed, 'the WebSocket was closed');
    assert.equal(closed.code, 1001, `WebSocket close code: ${JSON.stringify(closed)}`);
    const ended = await withTimeout(s.ended, WAIT_MS, null);
    assert.ok(ended, 'the SSE stream ended');
    const retries = s.all.filter((x) => x.retry !== undefined);
    assert.ok(retries.length > retriesBefore, `the SSE stream got retry: at drain: ${JSON.stringify(retries)}`);
    const answered = (await Promise.all(posts)).filter((res) => res.status !== undefined);
    for (const res of answered) {
      assert.ok([200, 201].includes(res.status), `a REST post answered during drain: ${res.status} ${res.text}`);
    }
    await sender.closed;

    await srv.restart();
    const events = await c.allEvents(a.token, r.id);
    assert.equal(events.find((e) => e.seq === m.seq)?.text, 'before SIGTERM');
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    for (const [id, seq] of acks) {
      assert.equal(bySeq.get(seq)?.client_id, id, `acked ${id} (seq ${seq}) is kept after the drain`);
    }
    for (const res of answered) {
      const seq = res.body.data.seq;
      assert.equal(bySeq.get(seq)?.client_id, res.body.data.client_id, `answered REST post seq ${seq} is kept`);
    }
  } finally {
    for (const x of clients) await x.close().catch(() => {});
    await srv.close();
  }
});
