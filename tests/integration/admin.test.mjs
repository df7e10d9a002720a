// The command line besides `serve` (src/app/main.cpp, admin.cpp): `parley --help`
// and the administration subcommands, run on a database a server then uses.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from './lib/test.mjs';
import { TIME_SCALE, parleyBin, startServer } from './lib/server.mjs';
import { clientFor, data, failed } from './lib/client.mjs';

const PASSWORD = 'a fine admin password';

let tmp;
let env;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'parley-admin-'));
  env = {
    ...process.env,
    DATABASE_URL: `sqlite://${path.join(tmp, 'parley.db')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    SESSION_SECRET: randomBytes(32).toString('hex'),
  };
  delete env.PARLEY_PASSWORD;
});
after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// Runs the binary to its exit: {code, stdout, stderr}.
function run(args, { extraEnv = {}, stdin } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(parleyBin(), args, { cwd: tmp, env: { ...env, ...extraEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`parley ${args.join(' ')}: no exit within ${30 * TIME_SCALE} s\n${stdout}\n${stderr}`));
    }, 30_000 * TIME_SCALE);
    proc.on('error', reject);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    proc.stdin.end(stdin ?? '');
  });
}

test('parley --help lists every subcommand: serve, user add, room add', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const word of ['serve', 'user', 'room', 'user add', 'room add', '--owner', '--private']) {
    assert.ok(r.stdout.includes(word), `--help mentions "${word}":\n${r.stdout}`);
  }
  const user = await run(['user', '--help']);
  assert.equal(user.code, 0, user.stderr);
  assert.match(user.stdout, /\badd\b/, `user --help lists add:\n${user.stdout}`);
  const serve = await run(['serve', '--help']);
  assert.equal(serve.code, 0, serve.stderr);
  for (const flag of ['--port', '--log-level', '--log-format']) {
    assert.ok(serve.stdout.includes(flag), `serve --help lists ${flag}:\n${serve.stdout}`);
  }
  const none = await run([]);
  assert.notEqual(none.code, 0, 'a subcommand is required');
});

test('parley user add and room add create a password account and rooms the server then serves', async () => {
  const byEnv = await run(['user', 'add', 'ada_admin'], { extraEnv: { PARLEY_PASSWORD: PASSWORD } });
  assert.equal(byEnv.code, 0, `user add: ${byEnv.stderr}`);
  const adaId = byEnv.stdout.trim();
  assert.match(adaId, /^[A-Za-z0-9_-]{1,64}$/, `prints the new user's id: ${byEnv.stdout}`);
  assert.ok(!byEnv.stdout.includes(PASSWORD) && !byEnv.stderr.includes(PASSWORD), 'the password is not echoed');

  const byStdin = await run(['user', 'add', 'bob_admin'], { stdin: `${PASSWORD}\n` });
  assert.equal(byStdin.code, 0, `user add (stdin): ${byStdin.stderr}`);

  const pub = await run(['room', 'add', 'lobby', '--owner', 'ada_admin']);
  assert.equal(pub.code, 0, `room add: ${pub.stderr}`);
  const lobbyId = pub.stdout.trim();
  const priv = await run(['room', 'add', 'backstage', '--owner', 'ada_admin', '--private']);
  assert.equal(priv.code, 0, `room add --private: ${priv.stderr}`);
  const backstageId = priv.stdout.trim();

  // Refusals: exit 1 with a reason, nothing created.
  const taken = await run(['user', 'add', 'ada_admin'], { extraEnv: { PARLEY_PASSWORD: PASSWORD } });
  assert.equal(taken.code, 1, `a taken name: ${taken.stdout} ${taken.stderr}`);
  assert.match(taken.stderr, /^parley: .+/m);
  const short = await run(['user', 'add', 'cy_admin'], { extraEnv: { PARLEY_PASSWORD: 'short' } });
  assert.equal(short.code, 1, `a short password: ${short.stderr}`);
  const orphan = await run(['room', 'add', 'nobodys', '--owner', 'no_such_user']);
  assert.equal(orphan.code, 1, `an unknown owner: ${orphan.stderr}`);
  const noOwner = await run(['room', 'add', 'ownerless']);
  assert.notEqual(noOwner.code, 0, '--owner is required');

  const srv = await startServer({ env: { DATABASE_URL: env.DATABASE_URL, ENABLE_PASSWORD_LOGIN: 'true' }, label: 'admin-db' });
  try {
    const c = clientFor(srv);
    const ada = await c.login('ada_admin', PASSWORD);
    assert.equal(ada.user_id, adaId);
    const bob = await c.login('bob_admin', PASSWORD);
    failed(await c.api('POST', '/api/login', { username: 'cy_admin', password: 'short' }), 401, 'cy was not created');

    const lobby = await c.room(ada.token, lobbyId);
    assert.equal(lobby.name, 'lobby');
    assert.equal(lobby.visibility, 'public');
    assert.equal(lobby.owner_id, adaId);
    const backstage = await c.room(ada.token, backstageId);
    assert.equal(backstage.visibility, 'private');
    // A private room is the owner's: bob can neither see nor join it; the public one he can.
    const bobsRooms = data(await c.api('GET', '/api/rooms', undefined, bob.token), 200, "bob's rooms").map((r) => r.id);
    assert.ok(bobsRooms.includes(lobbyId), `bob sees the public room: ${bobsRooms}`);
    assert.ok(!bobsRooms.includes(backstageId), `bob does not see the private room: ${bobsRooms}`);
  } finally {
    await srv.close();
  }
});
