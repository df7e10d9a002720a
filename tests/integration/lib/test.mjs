// node:test's `test`, plus: when a test fails, the output of every server started
// in this file (the lines printed since the test began) goes into the report.
import nodeTest from 'node:test';
import { allServers } from './server.mjs';

export { before, after, beforeEach, afterEach, describe } from 'node:test';

export function test(name, opts, fn) {
  if (typeof opts === 'function') {
    fn = opts;
    opts = {};
  }
  return nodeTest(name, opts, async (t) => {
    const marks = new Map([...allServers].map((s) => [s, s.output.length]));
    try {
      await fn(t);
    } catch (e) {
      for (const s of allServers) {
        const from = marks.get(s) ?? 0;
        const lines = s.output.slice(Math.max(from, s.output.length - 300));
        t.diagnostic(`----- ${s.label} output during this test (${lines.length} lines) -----\n` +
          `${lines.join('\n')}\n----- end ${s.label} -----`);
      }
      throw e;
    }
  });
}
