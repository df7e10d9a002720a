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
