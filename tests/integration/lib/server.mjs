// Harness: runs a real parley binary on loopback, one fresh temp dir per server.
//
//   const srv = await startServer({ env: { MAX_MSGS: '5' } });
//   ... srv.url ...
//   await srv.close();          // stop if running (SIGTERM, else SIGKILL), rm the temp dir
//
// The server is ready when it logs "listening on http://HOST:PORT" (stdout or stderr);
// we resolve on that line, never on a sleep.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');

// Slow builds (sanitizers) may need more time; every wait scales with this.
export const TIME_SCALE = Number(process.env.PARLEY_TEST_TIME_SCALE || 1);
const READY_TIMEOUT_MS = 30_000 * TIME_SCALE;
const STOP_TIMEOUT_MS = 15_000 * TIME_SCALE;
const LISTEN_RE = /listening on (http:\/\/[0-9.:]+)/;

export function parleyBin() {
  const bin = process.env.PARLEY_BIN || path.join(repoRoot, 'build', 'parley');
  if (!existsSync(bin)) {
    throw new Error(`parley binary not found at ${bin}: build it or set PARLEY_BIN`);
  }
  return bin;
}

// Every server started in this process, so a failing test can print their output
// (see lib/test.mjs).
export const allServers = new Set();

let serial = 0;

// If the test process ends without its cleanup running (an uncaught error, or
// ctest's timeout sending SIGTERM/SIGINT), no server or temp dir is left behind.
process.on('exit', () => {
  for (const s of allServers) {
    if (s.running) s.proc.kill('SIGKILL');
    if (s.tmp) rmSync(s.tmp, { recursive: true, force: true });
  }
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => process.exit(128 + os.constants.signals[sig]));
}

export async function startServer({ env = {}, label } = {}) {
  const bin = parleyBin();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'parley-it-'));
  const srv = new Server(bin, tmp, env, label || `server#${++serial}`);
  allServers.add(srv);
  try {
    await srv.start();
  } catch (e) {
    await srv.close().catch(() => {});
    throw e;
  }
  return srv;
}

class Server {
  constructor(bin, tmp, envOverrides, label) {
    this.bin = bin;
    this.tmp = tmp;
    this.label = label;
    this.dbPath = path.join(tmp, 'parley.db');
    this.env = {
      // The parent's PATH etc., then the test configuration, then the overrides.
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite://${path.join(tmp, 'parley.db')}`,
      GUEST_LOGIN: 'true',
      JWT_SECRET: randomBytes(32).toString('hex'),
      SESSION_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'info',
      // Tests send hundreds of messages from one user: the per-user send rate is
      // only tested where a test sets it (bad_input.test.mjs).
      SEND_RATE_PER_SEC: '100000',
      SEND_BURST: '100000',
      ...envOverrides,
    };
    delete this.env.REDIS_URL;
    delete this.env.PARLEY_BIN;
    this.output = []; // every line the server printed, over every run, with a prefix
    this.proc = null;
    this.url = null;
    this.port = null;
    this.runs = 0;
    this.lastExit = null;
    this.exited = null; // promise of {code, signal} of the current run
  }

  log(line) {
    this.output.push(line);
    if (this.output.length > 20_000) this.output.splice(0, this.output.length - 10_000);
  }

  start() {
    const run = ++this.runs;
    const proc = spawn(this.bin, ['serve'], {
      cwd: this.tmp,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    this.url = null;
    this.port = null;
    this.log(`--- [${this.label} run ${run}] ${this.bin} serve (cwd ${this.tmp})`);
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        this.lastExit = `run ${run} exited code=${code} signal=${signal}`;
        this.log(`--- [${this.label}] ${this.lastExit}`);
        resolve({ code, signal });
      });
    });
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (err) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(this);
      };
      const timer = setTimeout(() => {
        finish(new Error(`${this.label}: no "listening on http://…" line within ${READY_TIMEOUT_MS} ms\n` + this.tail(60)));
      }, READY_TIMEOUT_MS);
      for (const [name, stream] of [['out', proc.stdout], ['err', proc.stderr]]) {
        let buf = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk) => {
          buf += chunk;
          let nl;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).replace(/\r$/, '');
            buf = buf.slice(nl + 1);
            this.log(`[${name}] ${line}`);
            const m = !done && LISTEN_RE.exec(line);
            if (m) {
              this.url = m[1];
              this.port = Number(new URL(this.url).port);
              finish();
            }
          }
        });
      }
      proc.on('error', (e) => finish(new Error(`${this.label}: cannot spawn ${this.bin}: ${e.message}`)));
      this.exited.then(({ code, signal }) =>
        finish(new Error(`${this.label}: exited (code=${code} signal=${signal}) before listening\n` + this.tail(60))));
    });
  }

  get running() {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  get wsUrl() {
    return this.url.replace(/^http/, 'ws');
  }

  // SIGTERM, then await the exit; the exit code must be 0 (API.md "Running").
  async stop() {
    if (!this.running) return this.exited ? await this.exited : null;
    this.proc.kill('SIGTERM');
    const res = await withTimeout(this.exited, STOP_TIMEOUT_MS, null);
    if (res === null) {
      this.proc.kill('SIGKILL');
      await this.exited;
      throw new Error(`${this.label}: did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM\n` + this.tail(40));
    }
    if (res.code !== 0) {
      throw new Error(`${this.label}: SIGTERM exit was code=${res.code} signal=${res.signal}, want code 0\n` + this.tail(40));
    }
    return res;
  }

  async kill9() {
    if (!this.running) return;
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  // Starts the binary again on the same temp dir and database (the port may change).
  async restart() {
    if (this.running) await this.stop();
    await this.start();
    return this;
  }

  // Cleanup for test.after / finally: never throws because of the server's state.
  async close() {
    try {
      if (this.running) {
        this.proc.kill('SIGTERM');
        const res = await withTimeout(this.exited, STOP_TIMEOUT_MS, null);
        if (res === null) {
          this.proc.kill('SIGKILL');
          await this.exited;
        }
      }
    } finally {
      await rm(this.tmp, { recursive: true, force: true });
    }
  }

  tail(n = 200) {
    const lines = this.output.slice(-n);
    return `----- ${this.label} output (last ${lines.length} lines) -----\n${lines.join('\n')}\n----- end ${this.label} -----`;
  }
}

export function withTimeout(promise, ms, fallback) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((resolve) => { timer = setTimeout(() => resolve(fallback), ms); }),
  ]);
}
