// OAuth sign-in (GET /auth/{provider} and its callback) against a real OAuth 2 /
// OpenID Connect server (oauth2-mock-server) on loopback: parley runs the same
// code as in production, its provider endpoints pointed at the mock by the
// *_OAUTH_*_URL settings. The browser is played by hand: each redirect's Location
// is followed explicitly, carrying cookies, so every hop is checked.
import assert from 'node:assert/strict';
import { OAuth2Server } from 'oauth2-mock-server';
import { after, before, describe, test } from './lib/test.mjs';
import { startServer } from './lib/server.mjs';
import { clientFor, data, unique } from './lib/client.mjs';

const GITHUB_SECRET = 'gh-secret-never-logged';

let mock;
let mockUrl;
// What the mock's user-info endpoint answers next, in the shape of the provider
// under test (GitHub {id, login}, Discord {id, username}, OIDC {sub}).
let nextUserinfo = null;
// Every token request the mock received (its form body), newest last.
const tokenRequests = [];
// Set by a test to make the next token request fail, or the authorize step answer an error.
let failNextToken = false;
let authorizeError = null;

before(async () => {
  mock = new OAuth2Server();
  await mock.issuer.keys.generate('RS256');
  await mock.start(0, '127.0.0.1');
  mockUrl = `http://127.0.0.1:${mock.address().port}`;
  mock.service.on('beforeUserinfo', (res) => {
    if (nextUserinfo) res.body = nextUserinfo;
  });
  mock.service.on('beforeResponse', (res, req) => {
    tokenRequests.push({ ...req.body });
    if (failNextToken) {
      failNextToken = false;
      res.statusCode = 400;
      res.body = { error: 'invalid_grant', error_description: 'The code has expired' };
    }
  });
  mock.service.on('beforeAuthorizeRedirect', (redirect) => {
    if (!authorizeError) return;
    redirect.url.searchParams.delete('code');
    redirect.url.searchParams.set('error', authorizeError);
    authorizeError = null;
  });
});
after(async () => {
  await mock?.stop();
});

function endpoints(prefix) {
  return {
    [`${prefix}_OAUTH_AUTHORIZE_URL`]: `${mockUrl}/authorize`,
    [`${prefix}_OAUTH_TOKEN_URL`]: `${mockUrl}/token`,
    [`${prefix}_OAUTH_USERINFO_URL`]: `${mockUrl}/userinfo`,
  };
}

// Set-Cookie headers of a fetch response.
function setCookies(res) {
  return res.headers.getSetCookie();
}
function cookie(res, name) {
  const c = setCookies(res).find((s) => s.startsWith(`${name}=`));
  return c === undefined ? undefined : c.split(';')[0];
}

// Plays a browser through the sign-in: parley -> provider -> parley's callback.
// Returns every hop's response and the cookies involved. `tamper(url)` may change
// the callback URL before it is followed; `flowCookie` may replace the browser's.
async function signIn(srv, provider, { next, tamper, flowCookie } = {}) {
  const start = await fetch(`${srv.url}/auth/${provider}${next ? `?next=${encodeURIComponent(next)}` : ''}`,
    { redirect: 'manual' });
  assert.equal(start.status, 303, `GET /auth/${provider}: ${start.status} ${await start.clone().text()}`);
  const flow = cookie(start, 'parley_oauth');
  assert.ok(flow, `GET /auth/${provider} sets the flow cookie: ${JSON.stringify(setCookies(start))}`);
  const authorize = new URL(start.headers.get('location'));

  const consent = await fetch(authorize, { redirect: 'manual' });
  assert.equal(consent.status, 302, `the provider's authorize step: ${consent.status} ${await consent.clone().text()}`);
  const callback = new URL(consent.headers.get('location'));
  tamper?.(callback);
  // BASE_URL names localhost; the server listens on 127.0.0.1, where the browser's
  // "localhost" would land too.
  const done = await fetch(`${srv.url}${callback.pathname}${callback.search}`, {
    redirect: 'manual',
    headers: flowCookie === null ? {} : { cookie: flowCookie ?? flow },
  });
  return { start, flow, authorize, callback, done, session: cookie(done, 'parley_session') };
}

async function me(srv, session) {
  return data(await clientFor(srv).api('GET', '/api/me', undefined, undefined, { headers: { cookie: session } }),
    200, 'GET /api/me with the session cookie');
}

describe('GitHub and Discord, open registration', () => {
  let srv;
  before(async () => {
    srv = await startServer({
      env: {
        GITHUB_CLIENT_ID: 'gh-client',
        GITHUB_CLIENT_SECRET: GITHUB_SECRET,
        ...endpoints('GITHUB'),
        DISCORD_CLIENT_ID: 'dc-client',
        DISCORD_CLIENT_SECRET: 'dc-secret',
        ...endpoints('DISCORD'),
      },
    });
  });
  after(async () => {
    await srv?.close();
  });

  test('the login page links to each configured provider and keeps next', async () => {
    const page = await (await fetch(`${srv.url}/login?next=${encodeURIComponent('/rooms/abc')}`)).text();
    assert.match(page, /href="\/auth\/github\?next=%2Frooms%2Fabc"/);
    assert.match(page, /href="\/auth\/discord\?next=%2Frooms%2Fabc"/);
    assert.doesNotMatch(page, /\/auth\/google/);
  });

  test('GitHub sign-in creates a user, lands on next, and a second sign-in is the same user', async () => {
    const login = unique('octo');
    nextUserinfo = { id: 4242001, login, name: 'Octo Cat', avatar_url: 'https://avatars.example.com/u/1' };
    const first = await signIn(srv, 'github', { next: '/rooms/xyz' });

    // The authorize request: code flow, our client, the callback, state and S256 PKCE.
    const q = first.authorize.searchParams;
    assert.equal(first.authorize.origin + first.authorize.pathname, `${mockUrl}/authorize`);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('client_id'), 'gh-client');
    assert.equal(q.get('redirect_uri'), `${new URL(srv.url).protocol}//localhost:${srv.port}/auth/github/callback`);
    assert.ok(q.get('state')?.length >= 43, 'state carries 256 random bits');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(q.get('code_challenge'), 'a PKCE challenge');
    const attrs = setCookies(first.start).find((s) => s.startsWith('parley_oauth=')).toLowerCase();
    for (const a of ['httponly', 'samesite=lax', 'path=/auth/', 'max-age=600']) {
      assert.ok(attrs.includes(a), `the flow cookie has ${a}: ${attrs}`);
    }

    assert.equal(first.done.status, 303, `callback: ${first.done.status} ${await first.done.clone().text()}`);
    assert.equal(first.done.headers.get('location'), '/rooms/xyz');
    assert.ok(first.session, 'the callback sets parley_session');
    assert.match(setCookies(first.done).find((s) => s.startsWith('parley_oauth=')) ?? '', /Max-Age=0/,
      'the flow cookie is cleared');

    // The token request carried the code, our credentials and the PKCE verifier (the
    // mock checks the verifier against the challenge itself).
    const tr = tokenRequests.at(-1);
    assert.equal(tr.grant_type, 'authorization_code');
    assert.equal(tr.code, first.callback.searchParams.get('code'));
    assert.equal(tr.client_id, 'gh-client');
    assert.equal(tr.client_secret, GITHUB_SECRET);
    assert.equal(tr.redirect_uri, q.get('redirect_uri'));
    assert.ok(tr.code_verifier?.length >= 43, 'the verifier is sent');

    const user = await me(srv, first.session);
    assert.equal(user.name, login);
    assert.equal(user.provider, 'github');
    assert.equal(user.avatar_url, 'https://avatars.example.com/u/1');

    // Same GitHub id, another browser, even a changed login: the same parley user.
    nextUserinfo = { id: 4242001, login: `${login}-renamed` };
    const second = await signIn(srv, 'github');
    assert.equal(second.done.status, 303);
    assert.equal(second.done.headers.get('location'), '/');
    assert.notEqual(second.session, first.session, 'a new session');
    assert.equal((await me(srv, second.session)).id, user.id);

    // Nothing secret reaches the log: not the client secret, the codes or the token.
    const log = srv.output.join('\n');
    assert.ok(!log.includes(GITHUB_SECRET), 'the client secret is not logged');
    for (const s of [first, second]) {
      assert.ok(!log.includes(s.callback.searchParams.get('code')), 'the code is not logged');
      assert.ok(!log.includes(s.authorize.searchParams.get('state')), 'the state is not logged');
    }
  });

  test('a GitHub login that is taken by another account gets a unique name', async () => {
    const c = clientFor(srv);
    const name = unique('taken');
    const guest = await c.guest(name);
    nextUserinfo = { id: 4242002, login: name };
    const r = await signIn(srv, 'github');
    assert.equal(r.done.status, 303);
    const user = await me(srv, r.session);
    assert.notEqual(user.id, guest.user_id);
    assert.match(user.name, new RegExp(`^${name}-[A-Za-z0-9_-]{4}$`));
  });

  test('Discord sign-in reads {id, username} and makes the avatar URL', async () => {
    const username = unique('nelly');
    nextUserinfo = { id: '80351110224678912', username, global_name: 'Nelly', avatar: 'abc123' };
    const r = await signIn(srv, 'discord');
    assert.equal(r.done.status, 303, await r.done.clone().text());
    assert.equal(r.authorize.searchParams.get('scope'), 'identify');
    assert.equal(r.authorize.searchParams.get('code_challenge'), null, 'no PKCE for Discord');
    const user = await me(srv, r.session);
    assert.equal(user.name, username);
    assert.equal(user.provider, 'discord');
    assert.equal(user.avatar_url, 'https://cdn.discordapp.com/avatars/80351110224678912/abc123.png');
  });

  test('a wrong state is refused: error on the login page, no session', async () => {
    nextUserinfo = { id: 4242003, login: unique('mallory') };
    const before = tokenRequests.length;
    const r = await signIn(srv, 'github', { tamper: (u) => u.searchParams.set('state', 'forged-state') });
    assert.equal(r.done.status, 400);
    assert.equal(r.session, undefined, 'no session cookie');
    assert.match(await r.done.text(), /role="alert"[^>]*>This sign-in was not started here or has expired/);
    assert.equal(tokenRequests.length, before, 'the code was never redeemed');
  });

  test('a callback without the flow cookie (another browser) is refused', async () => {
    nextUserinfo = { id: 4242004, login: unique('csrf') };
    const r = await signIn(srv, 'github', { flowCookie: null });
    assert.equal(r.done.status, 400);
    assert.equal(r.session, undefined);
  });

  test('a flow started for Discord cannot finish as GitHub', async () => {
    nextUserinfo = { id: 4242005, login: unique('swap') };
    const r = await signIn(srv, 'discord', {
      tamper: (u) => { u.pathname = '/auth/github/callback'; },
    });
    assert.equal(r.done.status, 400);
    assert.equal(r.session, undefined);
  });

  test('the provider answering error=access_denied shows an error and signs no one in', async () => {
    authorizeError = 'access_denied';
    const r = await signIn(srv, 'github');
    assert.equal(r.callback.searchParams.get('error'), 'access_denied');
    assert.equal(r.done.status, 403);
    assert.equal(r.session, undefined);
    assert.match(await r.done.text(), /You did not allow signing in with GitHub/);
  });

  test('a refused token exchange shows an error and signs no one in', async () => {
    failNextToken = true;
    const r = await signIn(srv, 'github');
    assert.equal(r.done.status, 502);
    assert.equal(r.session, undefined);
    assert.match(await r.done.text(), /GitHub did not confirm who you are/);
    assert.ok(srv.output.some((l) => /github sign-in failed: token request: .*invalid_grant/.test(l)),
      'the failure is logged with the provider\'s error code');
  });

  test('a provider that is not configured, or not known, is 404', async () => {
    for (const path of ['/auth/google', '/auth/google/callback?code=x&state=y', '/auth/gitlab',
      '/auth/gitlab/callback']) {
      const res = await fetch(srv.url + path, { redirect: 'manual' });
      assert.equal(res.status, 404, path);
      assert.match(await res.text(), /not available on this server/, path);
    }
  });
});

describe('Google (OpenID Connect) and GitHub, registration closed', () => {
  let srv;
  before(async () => {
    srv = await startServer({
      env: {
        GOOGLE_CLIENT_ID: 'google-client',
        GOOGLE_CLIENT_SECRET: 'google-secret',
        ...endpoints('GOOGLE'),
        GITHUB_CLIENT_ID: 'gh-client',
        GITHUB_CLIENT_SECRET: GITHUB_SECRET,
        ...endpoints('GITHUB'),
        OPEN_REGISTRATION: 'false',
        ALLOW_LIST: 'ada@example.com, listed-octo',
      },
    });
  });
  after(async () => {
    await srv?.close();
  });

  test('someone on the allow list (by verified e-mail) gets an account', async () => {
    nextUserinfo = {
      sub: 'google-sub-1', name: 'Ada Lovelace', email: 'ada@example.com', email_verified: true,
      picture: 'https://lh3.example.com/a.png',
    };
    const r = await signIn(srv, 'google');
    assert.equal(r.authorize.searchParams.get('scope'), 'openid profile email');
    assert.equal(r.done.status, 303, await r.done.clone().text());
    const user = await me(srv, r.session);
    assert.equal(user.name, 'ada');
    assert.equal(user.provider, 'google');
    assert.equal(user.avatar_url, 'https://lh3.example.com/a.png');
  });

  test('someone not on the list is refused, and an unverified e-mail does not count', async () => {
    for (const profile of [
      { sub: 'google-sub-2', email: 'eve@example.com', email_verified: true },
      { sub: 'google-sub-3', email: 'ada@example.com', email_verified: false },
    ]) {
      nextUserinfo = profile;
      const r = await signIn(srv, 'google');
      assert.equal(r.done.status, 403, JSON.stringify(profile));
      assert.equal(r.session, undefined);
      assert.match(await r.done.text(), /registration is by invitation only/);
    }
  });

  test('the default OpenID userinfo (only sub) still signs a listed person in again', async () => {
    // google-sub-1 has an account from the first test; a bare {sub} finds it.
    nextUserinfo = { sub: 'google-sub-1' };
    const r = await signIn(srv, 'google');
    assert.equal(r.done.status, 303);
    assert.equal((await me(srv, r.session)).name, 'ada');
  });

  test('a GitHub login on the list gets an account; the same words as a display name do not', async () => {
    nextUserinfo = { id: 777001, login: 'listed-octo' };
    const ok = await signIn(srv, 'github');
    assert.equal(ok.done.status, 303, await ok.done.clone().text());
    assert.equal((await me(srv, ok.session)).name, 'listed-octo');

    nextUserinfo = { id: 777002, login: 'someone-else', name: 'listed-octo' };
    const refused = await signIn(srv, 'github');
    assert.equal(refused.done.status, 403);
    assert.equal(refused.session, undefined);
  });
});
