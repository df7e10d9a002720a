// node:test's `test`, plus: when a test fails, the output of every server started
// in this file goes into the report (the lines printed since the test began, or
// the last ones if the server is no longer running), with the server's state.
import nodeTest from 'node:test';
import { allServers, withTimeout } from './server.mjs';

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
        // A crash often shows as a client error first; give the exit a moment to
        // be reported, for the diagnostic only.
        if (s.running) await withTimeout(s.exited, 200, null);
        const state = s.running ? 'running' : `not running (${s.lastExit ?? 'never started'})`;
        const from = s.running ? (marks.get(s) ?? 0) : 0;
        const lines = s.output.slice(Math.max(from, s.output.length - 300));
        t.diagnostic(`----- ${s.label} (${state}) output${s.running ? ' during this test' : ''}: ` +
          `${lines.length} lines -----\n${lines.join('\n')}\n----- end ${s.label} -----`);
      }
      throw e;
    }
  });
}
