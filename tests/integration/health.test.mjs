// Operations endpoints: /health and Prometheus /metrics.
import assert from 'node:assert/strict';
import { after, before, test } from './lib/test.mjs';
import { startServer } from './lib/server.mjs';
import { clientFor, eventually, httpRequest, unique } from './lib/client.mjs';

// The samples of a /metrics page by series, e.g. m['parley_deliveries_total{transport="ws"}'].
async function scrape(server) {
  const res = await httpRequest(`${server.url}/metrics`);
  assert.equal(res.status, 200, `GET /metrics: ${res.status}`);
  const m = {};
  for (const l of res.text.split('\n')) {
    if (l === '' || l.startsWith('#')) continue;
    const sp = l.lastIndexOf(' ');
    m[l.slice(0, sp)] = Number(l.slice(sp + 1));
  }
  return m;
}

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.close();
});

test('GET /health answers 200 without credentials', async () => {
  const res = await httpRequest(`${srv.url}/health`);
  assert.equal(res.status, 200, `GET /health: ${res.status} ${res.text}`);
});

test('GET /metrics is Prometheus text with parley_ metrics', async () => {
  // Some traffic first, so counters have something to count.
  const c = clientFor(srv);
  const g = await c.guest('Metric');
  const r = await c.createRoom(g.token, unique('m'), 'public');
  await c.post(g.token, r.id, 'counted');

  const res = await httpRequest(`${srv.url}/metrics`);
  assert.equal(res.status, 200, `GET /metrics: ${res.status} ${res.text.slice(0, 300)}`);
  assert.match(String(res.headers['content-type']), /^text\/plain/, 'Prometheus text format content type');
  const lines = res.text.split('\n');
  const types = lines.filter((l) => l.startsWith('# TYPE '));
  assert.ok(types.some((l) => /^# TYPE parley_\w+ (counter|gauge|histogram|summary|untyped)$/.test(l)),
    `a "# TYPE parley_…" line: ${types.join(' | ')}`);
  const samples = lines.filter((l) => l !== '' && !l.startsWith('#'));
  assert.ok(samples.length > 0, 'some samples');
  for (const l of samples) {
    assert.match(l, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? -?([0-9.eE+-]+|NaN|\+Inf|-Inf)( \d+)?$/, `a valid sample line: ${l}`);
  }
  assert.ok(samples.some((l) => l.startsWith('parley_')), 'samples of parley_ metrics');
});

test('/metrics counts connections by transport, events stored, deliveries, and request latency', async () => {
  const c = clientFor(srv);
  const g = await c.guest('Counted');
  const r = await c.createRoom(g.token, unique('mc'), 'public');
  const before = await scrape(srv);
  const w = await c.wsConnect(g.token, { name: 'ws-metrics' });
  const s = await c.sseConnect(`/api/rooms/${r.id}/events`, { token: g.token });
  try {
    w.subscribe(r.id);
    await w.next((f) => f.type === 'subscribed', undefined, 'subscribed');
    const open = await eventually(async () => {
      const m = await scrape(srv);
      return m['parley_connections_open{transport="ws"}'] >= before['parley_connections_open{transport="ws"}'] + 1 &&
        m['parley_connections_open{transport="sse"}'] >= before['parley_connections_open{transport="sse"}'] + 1 ? m : null;
    }, 'the WebSocket and the SSE stream counted as open, by transport');
    assert.ok(open['parley_connections_open{transport="http"}'] >= 1, 'the scrape itself is an open http connection');

    const posted = await c.post(g.token, r.id, 'delivered twice');
    await w.next((f) => f.type === 'event' && f.seq === posted.seq, undefined, 'the WS delivery');
    await s.next((x) => x.id === String(posted.seq), undefined, 'the SSE delivery');
    const after = await eventually(async () => {
      const m = await scrape(srv);
      return m['parley_deliveries_total{transport="ws"}'] > before['parley_deliveries_total{transport="ws"}'] &&
        m['parley_deliveries_total{transport="sse"}'] > before['parley_deliveries_total{transport="sse"}'] ? m : null;
    }, 'deliveries counted for both transports');
    assert.ok(after.parley_events_stored_total >= before.parley_events_stored_total + 1, 'the post counted as stored');

    // The latency histogram: cumulative buckets ending in +Inf = _count, which grew.
    const h = 'parley_http_request_duration_seconds';
    const buckets = Object.keys(after).filter((k) => k.startsWith(`${h}_bucket{le=`));
    assert.ok(buckets.length >= 2, `histogram buckets: ${buckets.join(' ')}`);
    assert.equal(buckets.at(-1), `${h}_bucket{le="+Inf"}`);
    for (let i = 1; i < buckets.length; i++) assert.ok(after[buckets[i]] >= after[buckets[i - 1]], `cumulative at ${buckets[i]}`);
    assert.equal(after[buckets.at(-1)], after[`${h}_count`]);
    assert.ok(after[`${h}_count`] > before[`${h}_count`], 'requests since the first scrape are counted');
    assert.ok(after[`${h}_sum`] > 0);
    assert.ok(after['parley_http_requests_total{code="2xx"}'] > before['parley_http_requests_total{code="2xx"}']);
  } finally {
    await w.close().catch(() => {});
    s.close();
  }
});

test('GET /health names the instance (INSTANCE_ID), and a silent WebSocket is pinged after WS_PING_SECONDS', async () => {
  const own = await startServer({
    env: { INSTANCE_ID: 'it-node-7', WS_PING_SECONDS: '1', WS_PONG_TIMEOUT_SECONDS: '60' }, label: 'instance',
  });
  try {
    const res = await httpRequest(`${own.url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { status: 'ok', instance_id: 'it-node-7' });
    assert.match(own.tail(200), /instance it-node-7/, 'the start-up line names the instance');

    const oc = clientFor(own);
    const g = await oc.guest('Pinged');
    const w = await oc.wsConnect(g.token, { name: 'ws-ping' });
    try {
      // Half the pong timeout would be 30 s: a ping within a few seconds is WS_PING_SECONDS.
      const pinged = new Promise((resolve) => w.ws.once('ping', resolve));
      const got = await Promise.race([pinged.then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 10_000))]);
      assert.ok(got, 'a ping within 10 s of silence');
    } finally {
      await w.close().catch(() => {});
    }
  } finally {
    await own.close();
  }
});

// Settings the contract names but this build lacks stop start-up (exit 2) or warn.
async function runServe(env) {
  const { spawn } = await import('node:child_process');
  const proc = spawn(process.env.PARLEY_BIN, ['serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => proc.on('exit', resolve));
  return { code, out };
}

test('DATABASE_URL=postgres:// or redis://, and REDIS_URL, are refused at start-up with exit 2', async () => {
  for (const env of [{ DATABASE_URL: 'postgres://u:hunter2@db/parley' }, { DATABASE_URL: 'redis://cache:6379' }]) {
    const { code, out } = await runServe(env);
    assert.equal(code, 2, `exit code for ${env.DATABASE_URL}; output: ${out}`);
    assert.match(out, /DATABASE_URL: .*this build supports sqlite:\/\/ only for now/);
    assert.doesNotMatch(out, /hunter2/);
  }
  const { code, out } = await runServe({ REDIS_URL: 'redis://cache:6379' });
  assert.equal(code, 2, `exit code for REDIS_URL; output: ${out}`);
  assert.match(out, /REDIS_URL: the multi-instance event bus \(Redis\) is not implemented yet/);
});

test('MEDIA_DIR and S3_* start the server with a warning that attachments are not supported', async () => {
  const media = await startServer({ env: { MEDIA_DIR: '/tmp/parley-media', S3_BUCKET: 'media' }, label: 'media' });
  try {
    assert.match(media.tail(200), /MEDIA_DIR, S3_BUCKET set, but attachments are not supported yet: ignored/);
  } finally {
    await media.close();
  }
});

test('an idle SSE stream gets a ": ping" comment every SSE_PING_SECONDS', async () => {
  const quick = await startServer({ env: { SSE_PING_SECONDS: '1' }, label: 'ping' });
  try {
    const qc = clientFor(quick);
    const g = await qc.guest('Pinged');
    const r = await qc.createRoom(g.token, unique('ping'), 'public');
    const s = await qc.sseConnect(`/api/rooms/${r.id}/events`, { token: g.token });
    try {
      const first = await s.next((x) => x.comment === 'ping', 5000, 'the first ping');
      const second = await s.next((x) => x.comment === 'ping' && x !== first, 5000, 'a second ping');
      assert.ok(second);
    } finally {
      s.close();
    }
  } finally {
    await quick.close();
  }
});

test('a bad configuration value stops start-up with a message naming each one', async () => {
  const { spawn } = await import('node:child_process');
  const proc = spawn(process.env.PARLEY_BIN, ['serve'], {
    env: { ...process.env, PORT: 'eighty', THREADS: '0', LOG_LEVEL: 'loud' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => proc.on('exit', resolve));
  assert.equal(code, 2, `exit code; output: ${out}`);
  for (const name of ['PORT', 'THREADS', 'LOG_LEVEL']) {
    assert.match(out, new RegExp(name), `the message names ${name}: ${out}`);
  }
});
