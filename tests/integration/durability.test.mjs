// Durability: an ack means stored (a seq is "assigned when the event is durably
// stored"), so kill -9 right after the acks loses nothing; SIGTERM drains and exits 0.
import assert from 'node:assert/strict';
import { test } from './lib/test.mjs';
import { startServer, withTimeout } from './lib/server.mjs';
import { WAIT_MS, clientFor, unique } from './lib/client.mjs';

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

test('SIGTERM drains: exit code 0, WebSocket clients get close 1001, SSE streams end, data is kept', async () => {
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

    await srv.stop(); // asserts exit code 0
    const closed = await withTimeout(w.closed, WAIT_MS, null);
    assert.ok(closed, 'the WebSocket was closed');
    assert.equal(closed.code, 1001, `WebSocket close code: ${JSON.stringify(closed)}`);
    const ended = await withTimeout(s.ended, WAIT_MS, null);
    assert.ok(ended, 'the SSE stream ended');

    await srv.restart();
    const events = await c.allEvents(a.token, r.id);
    assert.equal(events.find((e) => e.seq === m.seq)?.text, 'before SIGTERM');
  } finally {
    for (const x of clients) await x.close().catch(() => {});
    await srv.close();
  }
});
