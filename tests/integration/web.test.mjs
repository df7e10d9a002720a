// The web app's server side: static files, the page forms (cookie session, CSRF),
// invite links, and the page's own stream /events. The pages in a browser are
// tests/e2e's.
import assert from 'node:assert/strict';
import { after, before, test } from './lib/test.mjs';
import { startServer } from './lib/server.mjs';
import { clientFor, data, eventually, httpRequest, openSse, unique } from './lib/client.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.close();
});

const form = (fields) => new URLSearchParams(fields).toString();

// Signs in through the guest form, as a browser would; returns the Cookie header.
async function browserGuest(name) {
  const res = await httpRequest(`${srv.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.url },
    body: form({ name }),
  });
  assert.equal(res.status, 303, `POST /login: ${res.status} ${res.text.slice(0, 200)}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  assert.match(cookie, /^parley_session=/);
  return cookie;
}

function pagePost(path, cookie, fields, headers = {}) {
  return httpRequest(`${srv.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: srv.url,
      cookie,
      'hx-request': 'true',
      ...headers,
    },
    body: form(fields),
  });
}

// Creates a room through the page's form (as a browser would); returns its id.
async function pageRoom(cookie, prefix, visibility = 'public') {
  const created = await pagePost('/rooms', cookie, { name: unique(prefix), visibility });
  assert.equal(created.status, 303, `POST /rooms: ${created.status} ${created.text}`);
  return String(created.headers.location).split('/').pop();
}

test('static files are served with their type, versioned caching and no way out of the directory', async () => {
  const page = await httpRequest(`${srv.url}/login`);
  const css = /href="(\/static\/css\/app\.css\?v=[0-9a-f]+)"/.exec(page.text);
  assert.ok(css, 'the login page links the stylesheet with a version');
  const res = await httpRequest(srv.url + css[1]);
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/css/);
  assert.match(String(res.headers['cache-control']), /immutable/);
  const unversioned = await httpRequest(`${srv.url}/static/vendor/htmx.min.js`);
  assert.equal(unversioned.status, 200, 'htmx is copied from its npm package');
  assert.match(String(unversioned.headers['content-type']), /^text\/javascript/);
  assert.equal(unversioned.headers['cache-control'], 'no-cache');
  const again = await httpRequest(`${srv.url}/static/vendor/htmx.min.js`, {
    headers: { 'if-none-match': unversioned.headers.etag },
  });
  assert.equal(again.status, 304);
  for (const p of ['/static/..%2F..%2Fetc%2Fpasswd', '/static/css/../../parley', '/static/nope.css']) {
    const r = await httpRequest(srv.url + p);
    assert.equal(r.status, 404, `${p}: ${r.status}`);
  }
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
});

test('the composer posts a form and the message arrives on the room stream as HTML', async () => {
  const cookie = await browserGuest('Former');
  const room = await pageRoom(cookie, 'web');
  const sse = await openSse(srv.url, `/rooms/${room}/events`, { headers: { cookie }, since: 0 });
  try {
    const res = await pagePost(`/rooms/${room}/messages`, cookie, { text: 'hi <b>there</b> **you**' });
    assert.equal(res.status, 204, `post: ${res.status} ${res.text}`);
    const msg = await sse.next((r) => r.event === 'message', undefined, 'the message');
    assert.match(msg.data, /<article class="msg"/);
    assert.match(msg.data, /&lt;b&gt;there&lt;\/b&gt;/, 'raw HTML is shown as text');
    assert.match(msg.data, /<strong>you<\/strong>/);
    const edit = await pagePost(`/rooms/${room}/messages/${msg.id}/edit`, cookie, { text: 'edited' });
    assert.equal(edit.status, 204);
    const e = await sse.next((r) => r.event === 'edit', undefined, 'the edit');
    assert.match(e.data, new RegExp(`data-target="${msg.id}"`));
  } finally {
    sse.close();
  }
  const page = await httpRequest(`${srv.url}/rooms/${room}`, { headers: { cookie } });
  assert.equal(page.status, 200);
  assert.match(page.text, /class="edited"/, 'the page renders the message as it is now');
  assert.match(page.text, /<section id="messages" aria-live="polite"/);
});

// What a room page or a history fragment shows: the seqs of its messages, and its
// newer-sentinel's bounds and URL, if it has one.
function listOf(html) {
  const seqs = [...html.matchAll(/<article class="msg[^"]*" id="m-(\d+)"/g)].map((m) => Number(m[1]));
  const s = /<div id="newer-sentinel"[^>]*hx-get="([^"]+)" data-after="(\d+)" data-until="(\d+)"/.exec(html);
  return {
    seqs,
    newer: s && { url: s[1].replaceAll('&amp;', '&'), after: Number(s[2]), until: Number(s[3]) },
  };
}

test('a room opened far behind streams from its end; newer pages fill the gap up to exactly there', async () => {
  const c = clientFor(srv);
  const cookie = await browserGuest('Away');
  const room = await pageRoom(cookie, 'away');
  const poster = await c.guest('Busy');
  await c.join(poster.token, room);
  const joined = await pagePost(`/rooms/${room}/read`, cookie, { seq: String((await c.room(poster.token, room)).last_seq) });
  assert.equal(joined.status, 204, 'the reader has seen the join: all that is unread are messages');
  const posted = [];
  for (let i = 1; i <= 120; i++) posted.push((await c.post(poster.token, room, `busy ${i}`)).seq);
  const end = posted[posted.length - 1];

  const page = await httpRequest(`${srv.url}/rooms/${room}`, { headers: { cookie } });
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(`sse-connect="/rooms/${room}/events?since=${end}"`),
    'the stream starts at the room\'s end, live only');
  assert.ok(page.text.includes(`data-last-seq="${end}"`));
  const first = listOf(page.text);
  assert.deepEqual(first.seqs, posted.slice(0, 50), 'the first page of unread, from the first');
  assert.deepEqual(first.newer && [first.newer.after, first.newer.until], [posted[49], end],
    'a sentinel between the page and the stream\'s start');

  // Events after the render come on the stream: forward pages stop before them, and
  // show what they hold as it is now.
  const live = (await c.post(poster.token, room, 'live')).seq;
  const edit = await c.api('PATCH', `/api/rooms/${room}/messages/${posted[70]}`, { text: 'busy 71, edited' },
    poster.token);
  assert.equal(edit.status, 200, edit.text);
  const seen = [...first.seqs];
  let next = first.newer;
  let pages = 0;
  let editedShown = false;
  while (next) {
    const res = await httpRequest(srv.url + next.url, { headers: { cookie } });
    assert.equal(res.status, 200, `${next.url}: ${res.text}`);
    const part = listOf(res.text);
    assert.ok(part.seqs.length > 0 && part.seqs.length <= 50, `a page of at most 50: ${part.seqs.length}`);
    assert.ok(part.seqs[0] > next.after, 'nothing before the sentinel\'s seq');
    if (part.seqs.includes(posted[70])) editedShown = /busy 71, edited/.test(res.text);
    seen.push(...part.seqs);
    assert.ok(!part.newer || part.newer.until === end, 'each sentinel keeps the bound');
    next = part.newer;
    pages++;
  }
  assert.equal(pages, 2, 'two more pages: 50 and 20');
  assert.deepEqual(seen, posted, 'every unread message once, in order, up to the stream\'s start');
  assert.ok(!seen.includes(live), 'not the live one');
  assert.ok(editedShown, 'a message edited since is shown edited');

  // The last stretch of a gap, and one of events that show nothing (the edit).
  const latest = (await c.room(poster.token, room)).last_seq;
  assert.equal(latest, live + 1, 'the edit is the room\'s last event');
  const tail = await httpRequest(`${srv.url}/rooms/${room}/history?after=${end}&until=${live}`, { headers: { cookie } });
  assert.equal(tail.status, 200);
  assert.deepEqual(listOf(tail.text), { seqs: [live], newer: null });
  const empty = await httpRequest(`${srv.url}/rooms/${room}/history?after=${live}&until=${latest}`, { headers: { cookie } });
  assert.equal(empty.status, 200);
  assert.equal(empty.text, '', 'nothing to show');
  for (const q of [`after=${end}`, `after=${end}&until=${end}`, 'after=x&until=5', 'after=-1&until=5',
    `after=3&until=2`, 'after=1&until=99999999999999999999', 'before=0']) {
    const bad = await httpRequest(`${srv.url}/rooms/${room}/history?${q}`, { headers: { cookie } });
    assert.equal(bad.status, 400, `${q}: ${bad.status}`);
  }

  // A short unread run is all on the first page: no sentinel, the stream from the end.
  const read = await pagePost(`/rooms/${room}/read`, cookie, { seq: String(posted[110]) });
  assert.equal(read.status, 204);
  const short = await httpRequest(`${srv.url}/rooms/${room}`, { headers: { cookie } });
  assert.equal(listOf(short.text).newer, null, 'no sentinel');
  assert.ok(listOf(short.text).seqs.includes(live), 'the unread ones are all there');
  assert.ok(short.text.includes(`events?since=${latest}"`), 'the stream from the end');
});

test('a page post from another origin is refused', async () => {
  const cookie = await browserGuest('Victim');
  const res = await pagePost('/rooms', cookie, { name: 'csrf' }, { origin: 'http://evil.example' });
  assert.equal(res.status, 403);
});

test('GET /dm/{user_id} creates nothing; the POST from the page starts the room, once', async () => {
  const alice = await browserGuest('DmAlice');
  const bob = await browserGuest('DmBob');
  const me = async (cookie) => JSON.parse((await httpRequest(`${srv.url}/api/me`, { headers: { cookie } })).text).data;
  const directs = async (cookie) => {
    const res = await httpRequest(`${srv.url}/api/rooms`, { headers: { cookie } });
    assert.equal(res.status, 200, `GET /api/rooms: ${res.text}`);
    return JSON.parse(res.text).data.filter((r) => r.kind === 'direct').map((r) => r.id);
  };
  const [a, b] = [await me(alice), await me(bob)];

  // A link (or a prefetch) only shows the offer: a form that posts back here.
  const offer = await httpRequest(`${srv.url}/dm/${b.id}`, { headers: { cookie: alice } });
  assert.equal(offer.status, 200, `GET /dm: ${offer.status}`);
  assert.match(offer.text, /<form id="start-dm" method="post" action="\/dm\/[^"]+"/);
  assert.ok(offer.text.includes(`action="/dm/${b.id}"`), 'the form posts to /dm/{user_id}');
  assert.deepEqual(await directs(alice), [], 'GET made no room for the viewer');
  assert.deepEqual(await directs(bob), [], 'nor for the other one');

  // A post from another site is refused like every cookie-authenticated post.
  const forged = await pagePost(`/dm/${b.id}`, alice, {}, { origin: 'http://evil.example' });
  assert.equal(forged.status, 403);
  assert.deepEqual(await directs(bob), [], 'a forged post made no room');

  // The page's own post starts it, and either side's link opens it from then on.
  const started = await pagePost(`/dm/${b.id}`, alice, {});
  assert.equal(started.status, 303, `POST /dm: ${started.status} ${started.text}`);
  const room = String(started.headers.location).replace(/^\/rooms\//, '');
  assert.deepEqual(await directs(alice), [room]);
  assert.deepEqual(await directs(bob), [room]);
  const again = await pagePost(`/dm/${b.id}`, alice, {});
  assert.equal(again.headers.location, `/rooms/${room}`, 'a second post opens the same room');
  for (const [cookie, other] of [[alice, b.id], [bob, a.id]]) {
    const open = await httpRequest(`${srv.url}/dm/${other}`, { headers: { cookie } });
    assert.equal(open.status, 303);
    assert.equal(open.headers.location, `/rooms/${room}`);
  }

  // No conversation with oneself, nor with nobody.
  assert.equal((await httpRequest(`${srv.url}/dm/${a.id}`, { headers: { cookie: alice } })).status, 404);
  assert.equal((await httpRequest(`${srv.url}/dm/nobody123`, { headers: { cookie: alice } })).status, 404);
  assert.equal((await pagePost(`/dm/${a.id}`, alice, {})).status, 404);
});

test('an invite link lets one person into a private room, once', async () => {
  const owner = await browserGuest('Owner');
  const room = await pageRoom(owner, 'secret', 'private');
  const inv = await pagePost(`/rooms/${room}/invites`, owner, {});
  assert.equal(inv.status, 201, `invite: ${inv.status} ${inv.text}`);
  const path = new URL(inv.text).pathname;
  assert.match(path, /^\/invite\/[A-Za-z0-9_-]+$/);

  const anonymous = await httpRequest(srv.url + path);
  assert.equal(anonymous.status, 303);
  assert.equal(anonymous.headers.location, `/login?next=${path}`);

  const guest = await browserGuest('Invited');
  const before = await httpRequest(`${srv.url}/rooms/${room}`, { headers: { cookie: guest } });
  assert.equal(before.status, 404, 'a private room is hidden before the invite');
  const used = await httpRequest(srv.url + path, { headers: { cookie: guest } });
  assert.equal(used.status, 303);
  assert.equal(used.headers.location, `/rooms/${room}`);
  const inside = await httpRequest(`${srv.url}/rooms/${room}`, { headers: { cookie: guest } });
  assert.equal(inside.status, 200);

  const late = await browserGuest('Late');
  const refused = await httpRequest(srv.url + path, { headers: { cookie: late } });
  assert.equal(refused.status, 404, 'used up');
});

test('/events gives a snapshot of the member rooms, then ticks and own read markers', async () => {
  const c = clientFor(srv);
  const cookie = await browserGuest('Feeder');
  const room = await pageRoom(cookie, 'feed');
  const other = await c.guest('Poster');
  const sse = await openSse(srv.url, '/events', { headers: { cookie } });
  try {
    const snap = await sse.next((r) => r.event === 'rooms', undefined, 'the snapshot');
    const mine = snap.json.find((r) => r.room === room);
    assert.ok(mine, `the room is in the snapshot: ${snap.data}`);
    const msg = await c.post(other.token, room, 'for the badge');
    // Posting joined the public room first: that is a tick too, then the message.
    const tick = await sse.next((r) => r.event === 'tick' && r.json.seq === msg.seq, undefined, 'a tick');
    assert.equal(tick.json.room, room);
    assert.equal(tick.json.own, false);
    const read = await pagePost(`/rooms/${room}/read`, cookie, { seq: String(msg.seq) });
    assert.equal(read.status, 204);
    const moved = await sse.next((r) => r.event === 'read' && r.json.room === room, undefined, 'read');
    assert.equal(moved.json.seq, msg.seq);
  } finally {
    sse.close();
  }
});

test('/events announces a room the user created or joined in another tab, then ticks it', async () => {
  const c = clientFor(srv);
  const cookie = await browserGuest('Joiner');
  const other = await c.guest('Host');
  const hosted = await c.createRoom(other.token, unique('hosted'));
  const sse = await openSse(srv.url, '/events', { headers: { cookie } });
  try {
    const snap = await sse.next((r) => r.event === 'rooms', undefined, 'the snapshot');
    assert.deepEqual(snap.json, [], 'no room yet');
    const made = await pageRoom(cookie, 'made');
    await sse.next((r) => r.event === 'room' && r.json.room === made, undefined, 'the created room');
    const joined = await pagePost(`/rooms/${hosted.id}/join`, cookie, {});
    assert.ok(joined.status === 204 || joined.status === 303, `join: ${joined.status}`);
    await sse.next((r) => r.event === 'room' && r.json.room === hosted.id, undefined, 'the joined room');
    const msg = await c.post(other.token, hosted.id, 'welcome');
    const tick = await sse.next((r) => r.event === 'tick' && r.json.seq === msg.seq, undefined, 'a tick');
    assert.deepEqual(tick.json, { room: hosted.id, seq: msg.seq, own: false, message: true });
  } finally {
    sse.close();
  }
});

test('password accounts register and sign in through the login page', async () => {
  const name = unique('pw').replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 30);
  const post = (action, password) => httpRequest(`${srv.url}/login/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: srv.url },
    body: form({ username: name, password, action }),
  });
  const reg = await post('register', 'correct horse');
  assert.equal(reg.status, 303, `register: ${reg.status} ${reg.text.slice(0, 300)}`);
  const again = await post('register', 'correct horse');
  assert.equal(again.status, 409);
  assert.match(again.text, /role="alert"/);
  const wrong = await post('login', 'wrong password');
  assert.equal(wrong.status, 401);
  assert.match(wrong.text, /Wrong username or password/);
  const ok = await post('login', 'correct horse');
  assert.equal(ok.status, 303);
  assert.match(String(ok.headers['set-cookie']), /parley_session=/);
});

// The random-chat page's server side (the page itself: tests/e2e/random.test.mjs).
// These are the file's only tests that use the match queue, which is server-wide.

async function sseOpen() {
  const m = await httpRequest(`${srv.url}/metrics`);
  return Number(/^parley_connections_open\{transport="sse"\} (\d+)/m.exec(m.text)?.[1]);
}

test('the random page: its stream tells the match and the end, and find answers an ongoing chat', async () => {
  const c = clientFor(srv);
  const cookie = await browserGuest('Lobby Page');
  const feed = await openSse(srv.url, '/events?random=1', { headers: { cookie } });
  try {
    await feed.next((r) => r.event === 'rooms', undefined, 'the snapshot');
    const find = await pagePost('/random/find', cookie, {});
    assert.equal(find.status, 200);
    assert.equal(find.text, 'waiting');
    const stranger = await c.guest('Lobby Api');
    const m = data(await c.api('POST', '/api/match', undefined, stranger.token));
    assert.equal(m.status, 'matched');
    const matched = await feed.next((r) => r.event === 'matched', undefined, 'the matched event');
    assert.equal(matched.json.room, m.room.id);
    assert.equal(matched.json.peer.id, stranger.user_id);
    assert.equal(feed.events.filter((r) => r.event === 'room').length, 0, 'a match is not a `room`');
    // Asking again while in a chat does not queue: the answer is the chat.
    const again = await pagePost('/random/find', cookie, {});
    assert.equal(again.text, 'matched');
    const page = await httpRequest(`${srv.url}/random`, { headers: { cookie } });
    assert.match(page.text, new RegExp(`<main id="room" data-room="${m.room.id}"[^>]* data-kind="random"`));
    const redirect = await httpRequest(`${srv.url}/rooms/${m.room.id}`, { headers: { cookie } });
    assert.equal(redirect.status, 303);
    assert.equal(redirect.headers.location, '/random');
    // The stranger leaves: the page is told.
    assert.equal((await c.api('POST', `/api/rooms/${m.room.id}/leave`, undefined, stranger.token)).status, 204);
    const ended = await feed.next((r) => r.event === 'chat_ended', undefined, 'the chat_ended event');
    assert.equal(ended.json.room, m.room.id);
    assert.equal(ended.json.by, stranger.user_id);
    const lobby = await httpRequest(`${srv.url}/random`, { headers: { cookie } });
    assert.match(lobby.text, /id="find"/, 'back to the lobby');
  } finally {
    await feed.close();
  }
});

test('the random page: closing its stream leaves the queue, and cancel does too', async () => {
  const c = clientFor(srv);
  // Earlier tests' streams are closed by now (the server may notice a little later).
  await eventually(async () => (await sseOpen()) === 0, 'no SSE stream open');
  const cookie = await browserGuest('Closer');
  const feed = await openSse(srv.url, '/events?random=1', { headers: { cookie } });
  await feed.next((r) => r.event === 'rooms', undefined, 'the snapshot');
  assert.equal((await pagePost('/random/find', cookie, {})).text, 'waiting');
  await feed.close();
  // The queue place is let go before the stream counts as closed (SseStream::finish).
  await eventually(async () => (await sseOpen()) === 0, 'the server to close the stream');
  // (A REST caller waits only while it has a connection to be told on.)
  const next = await c.guest('After Closer');
  const nextFeed = await openSse(srv.url, '/api/events', { token: next.token });
  assert.equal(data(await c.api('POST', '/api/match', undefined, next.token)).status, 'waiting',
    'the page user left the queue with its stream');
  await c.api('DELETE', '/api/match', undefined, next.token);
  await nextFeed.close();

  const canceler = await browserGuest('Canceler');
  const feed2 = await openSse(srv.url, '/events?random=1', { headers: { cookie: canceler } });
  try {
    await feed2.next((r) => r.event === 'rooms', undefined, 'the snapshot');
    assert.equal((await pagePost('/random/find', canceler, {})).text, 'waiting');
    assert.equal((await pagePost('/random/cancel', canceler, {})).status, 204);
    const third = await c.guest('After Canceler');
    const thirdFeed = await openSse(srv.url, '/api/events', { token: third.token });
    assert.equal(data(await c.api('POST', '/api/match', undefined, third.token)).status, 'waiting');
    await c.api('DELETE', '/api/match', undefined, third.token);
    await thirdFeed.close();
  } finally {
    await feed2.close();
  }
});
