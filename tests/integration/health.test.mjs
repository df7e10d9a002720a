// Operations endpoints: /health and Prometheus /metrics.
import assert from 'node:assert/strict';
import { after, before, test } from './lib/test.mjs';
import { startServer } from './lib/server.mjs';
import { clientFor, httpRequest, unique } from './lib/client.mjs';

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
