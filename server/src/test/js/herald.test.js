import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Herald, HeraldError, backoffDelay, tokenExpiry } from '../../main/resources/web/herald.js';
import { FakeClock, fakeWebSocketClass, fakeJwt, settle } from './fakes.js';

/** A client on a fake socket and clock; `random` is fixed at 0 (no jitter) unless given. */
function setup(options = {}) {
  const clock = new FakeClock();
  const { FakeWebSocket, sockets } = fakeWebSocketClass();
  const states = [];
  const herald = new Herald({
    url: 'ws://herald.test/ws',
    token: 'tok-1',
    WebSocket: FakeWebSocket,
    timers: clock,
    random: () => 0,
    reconnect: { baseMs: 100, maxMs: 1000, jitter: 0.5 },
    heartbeat: { intervalMs: 1000, timeoutMs: 300 },
    requestTimeoutMs: 500,
    ...options,
  });
  herald.on('state', (change) => states.push(change));
  return { herald, clock, sockets, states, socket: () => sockets.at(-1) };
}

async function connectAndOpen(ctx) {
  ctx.herald.connect();
  await settle();
  ctx.socket().open();
  return ctx.socket();
}

describe('backoffDelay', () => {
  const policy = { baseMs: 100, maxMs: 1000, maxAttempts: Infinity, jitter: 0.5 };

  test('grows exponentially until the cap', () => {
    const delays = [0, 1, 2, 3, 4, 5, 30, 2000].map((n) => backoffDelay(n, policy, () => 0));
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000, 1000, 1000]);
  });

  test('jitter keeps every delay within [ceiling * (1 - jitter), ceiling]', () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(1000, 100 * 2 ** attempt);
      for (const r of [0, 0.25, 0.5, 0.999]) {
        const delay = backoffDelay(attempt, policy, () => r);
        assert.ok(delay <= ceiling && delay >= ceiling * 0.5, `attempt ${attempt} r ${r}: ${delay}`);
      }
    }
    assert.equal(backoffDelay(3, policy, () => 0.5), 600);
  });

  test('jitter 0 gives exact delays, jitter 1 may go down to zero', () => {
    assert.equal(backoffDelay(2, { ...policy, jitter: 0 }, () => 0.9), 400);
    assert.equal(backoffDelay(2, { ...policy, jitter: 1 }, () => 0.75), 100);
  });
});

describe('tokenExpiry', () => {
  test('reads exp from a JWT and tolerates anything else', () => {
    assert.equal(tokenExpiry(fakeJwt({ sub: '1', exp: 1_700_000_100 })), 1_700_000_100_000);
    assert.equal(tokenExpiry(fakeJwt({ sub: '1' })), null);
    assert.equal(tokenExpiry('not-a-jwt'), null);
    assert.equal(tokenExpiry('a.%%%.c'), null);
    assert.equal(tokenExpiry(null), null);
  });
});

describe('connection states and reconnect', () => {
  test('needs a token or a token provider', () => {
    assert.throws(() => new Herald({ url: 'ws://x/ws' }), TypeError);
  });

  test('connect puts the token in the URL and reports connecting then open', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    assert.equal(socket.url, 'ws://herald.test/ws?token=tok-1');
    assert.deepEqual(ctx.states.map((s) => s.state), ['connecting', 'open']);
    assert.equal(ctx.herald.state, 'open');
    assert.equal(ctx.states[1].reconnected, false);
  });

  test('http URLs become ws URLs', async () => {
    const ctx = setup({ url: 'https://herald.test/ws' });
    ctx.herald.connect();
    await settle();
    assert.equal(ctx.socket().url, 'wss://herald.test/ws?token=tok-1');
  });

  test('retries with growing delays up to the cap, then resets after a successful open', async () => {
    const ctx = setup();
    await connectAndOpen(ctx);
    ctx.socket().drop(1006);
    const delays = [];
    for (let i = 0; i < 6; i++) {
      const change = ctx.states.at(-1);
      assert.equal(change.state, 'reconnecting');
      assert.equal(change.attempt, i + 1);
      delays.push(change.delay);
      await ctx.clock.advance(change.delay);
      assert.equal(ctx.sockets.length, i + 2, 'a new socket is dialled when the delay is over');
      ctx.socket().drop(1006); // refused again
    }
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);

    await ctx.clock.advance(1000);
    ctx.socket().open();
    assert.equal(ctx.states.at(-1).state, 'open');
    assert.equal(ctx.states.at(-1).reconnected, true);
    ctx.socket().drop(1006);
    assert.equal(ctx.states.at(-1).delay, 100, 'the backoff starts over after an open');
  });

  test('after a restart (1012) the delays stop growing at restartMaxMs until a link opens again', async () => {
    const ctx = setup({ reconnect: { baseMs: 100, maxMs: 10000, jitter: 0, restartMaxMs: 500 } });
    await connectAndOpen(ctx);
    ctx.socket().drop(1012, 'server restarting');
    const delays = [];
    for (let i = 0; i < 6; i++) {
      delays.push(ctx.states.at(-1).delay);
      await ctx.clock.advance(ctx.states.at(-1).delay);
      ctx.socket().drop(1006); // refused while the server is down
    }
    assert.deepEqual(delays, [100, 200, 400, 500, 500, 500]);

    await ctx.clock.advance(500);
    ctx.socket().open();
    ctx.socket().drop(1006); // an ordinary drop: the usual cap again
    for (let i = 0; i < 7; i++) {
      await ctx.clock.advance(ctx.states.at(-1).delay);
      ctx.socket().drop(1006);
    }
    assert.equal(ctx.states.at(-1).delay, 10000, 'not capped by restartMaxMs');
  });

  test('jittered reconnect delays stay within their bounds', async () => {
    let r = 0;
    const randoms = [0.9, 0.1, 0.6, 0.3, 0.99, 0.5];
    const ctx = setup({ random: () => randoms[r++ % randoms.length] });
    await connectAndOpen(ctx);
    ctx.socket().drop();
    for (let i = 0; i < 6; i++) {
      const { delay } = ctx.states.at(-1);
      const ceiling = Math.min(1000, 100 * 2 ** i);
      assert.ok(delay >= ceiling / 2 && delay <= ceiling, `retry ${i + 1}: ${delay} outside [${ceiling / 2}, ${ceiling}]`);
      await ctx.clock.advance(delay);
      ctx.socket().drop();
    }
  });

  test('gives up after maxAttempts and stays closed', async () => {
    const ctx = setup({ reconnect: { baseMs: 100, maxMs: 1000, jitter: 0, maxAttempts: 3 } });
    await connectAndOpen(ctx);
    ctx.socket().drop();
    for (let i = 0; i < 3; i++) {
      await ctx.clock.advance(ctx.states.at(-1).delay);
      ctx.socket().drop();
    }
    assert.equal(ctx.herald.state, 'closed');
    assert.match(ctx.states.at(-1).reason, /gave up after 3 attempts/);
    await ctx.clock.advance(60_000);
    assert.equal(ctx.sockets.length, 4, 'one first connection and three retries');

    ctx.herald.connect();
    await settle();
    assert.equal(ctx.sockets.length, 5, 'connect() starts a client that gave up again');
  });

  test('close() stops reconnecting and closes the socket', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    ctx.herald.close();
    assert.deepEqual(socket.closedWith, { code: 1000, reason: 'client closed' });
    socket.drop(1000);
    await ctx.clock.advance(60_000);
    assert.equal(ctx.sockets.length, 1);
    assert.equal(ctx.herald.state, 'closed');
  });

  test('close() during a pending reconnect cancels it', async () => {
    const ctx = setup();
    await connectAndOpen(ctx);
    ctx.socket().drop();
    ctx.herald.close();
    await ctx.clock.advance(60_000);
    assert.equal(ctx.sockets.length, 1);
  });

  test('close code 4001 (disconnected by the server API) stops the client by default', async () => {
    const ctx = setup();
    await connectAndOpen(ctx);
    ctx.socket().drop(4001, 'disconnected by server');
    assert.equal(ctx.herald.state, 'closed');
    assert.equal(ctx.states.at(-1).code, 4001);
    await ctx.clock.advance(60_000);
    assert.equal(ctx.sockets.length, 1);
  });

  test('other server close codes (restart, token expired, policy) reconnect', async () => {
    for (const code of [1000, 1001, 1008, 1011, 1012, 4002]) {
      const ctx = setup();
      await connectAndOpen(ctx);
      ctx.socket().drop(code);
      assert.equal(ctx.herald.state, 'reconnecting', `code ${code}`);
    }
  });

  test('finalCloseCodes is configurable', async () => {
    const ctx = setup({ finalCloseCodes: [4003] });
    await connectAndOpen(ctx);
    ctx.socket().drop(4003, 'kicked');
    assert.equal(ctx.herald.state, 'closed');
    assert.equal(ctx.states.at(-1).code, 4003);
    await ctx.clock.advance(60_000);
    assert.equal(ctx.sockets.length, 1);
  });
});

describe('heartbeat', () => {
  test('pings every interval while frames keep arriving', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    for (let i = 0; i < 3; i++) {
      await ctx.clock.advance(1000);
      socket.receive({ type: 'pong', data: { timestamp: 1 } });
    }
    assert.equal(socket.frames('ping').length, 3);
    assert.deepEqual(socket.last('ping'), { type: 'ping', data: {} });
    assert.equal(ctx.herald.state, 'open');
  });

  test('no reply within the timeout drops the link and reconnects', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    await ctx.clock.advance(1000);
    assert.equal(socket.frames('ping').length, 1);
    await ctx.clock.advance(299);
    assert.equal(ctx.herald.state, 'open');
    await ctx.clock.advance(1);
    assert.equal(ctx.herald.state, 'reconnecting');
    assert.equal(ctx.states.at(-1).reason, 'heartbeat timeout');
    assert.equal(socket.closedWith.code, 4000);

    socket.drop(4000); // the late close event of the dead socket changes nothing
    assert.equal(ctx.states.filter((s) => s.state === 'reconnecting').length, 1);
    await ctx.clock.advance(100);
    assert.equal(ctx.sockets.length, 2);
  });

  test('stops pinging when the link is down', async () => {
    const ctx = setup({ reconnect: { maxAttempts: 0 } });
    const socket = await connectAndOpen(ctx);
    socket.drop();
    await ctx.clock.advance(10_000);
    assert.equal(socket.frames('ping').length, 0);
  });
});

describe('request', () => {
  test('resolves each promise with the reply that carries its id, in any order', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    const first = ctx.herald.request('presence', { user_ids: [1] });
    const second = ctx.herald.request('presence', { user_ids: [2] });
    const [a, b] = socket.frames('presence');
    assert.notEqual(a.id, b.id);
    socket.receive({ type: 'presence', id: b.id, data: { online: [2] } });
    socket.receive({ type: 'presence', id: a.id, data: { online: [] } });
    assert.deepEqual(await first, { online: [] });
    assert.deepEqual(await second, { online: [2] });
  });

  test('rejects with the server code on an error reply', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    const reply = ctx.herald.request('subscribe', { channel: 'private-x' });
    socket.receive({ type: 'error', id: socket.last('subscribe').id, data: { code: 'forbidden', message: 'no' } });
    await assert.rejects(reply, (e) => e instanceof HeraldError && e.code === 'forbidden' && e.message === 'no');
  });

  test('rejects with timeout when no reply comes; a late reply is then an ordinary frame', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    const late = [];
    ctx.herald.on('ack', (data) => late.push(data));
    const reply = ctx.herald.request('chat', { to_user_id: 2, content: 'hi' }, { timeoutMs: 200 });
    await ctx.clock.advance(200);
    await assert.rejects(reply, (e) => e.code === 'timeout' && /chat got no reply within 200 ms/.test(e.message));
    socket.receive({ type: 'ack', id: socket.last('chat').id, data: { delivered: true } });
    assert.deepEqual(late, [{ delivered: true }]);
    assert.equal(ctx.herald.state, 'open');
  });

  test('uses requestTimeoutMs by default', async () => {
    const ctx = setup();
    await connectAndOpen(ctx);
    const reply = ctx.herald.request('presence', { user_ids: [] });
    await ctx.clock.advance(499);
    let settled = false;
    reply.catch(() => (settled = true));
    await settle();
    assert.equal(settled, false);
    await ctx.clock.advance(1);
    await assert.rejects(reply, (e) => e.code === 'timeout');
  });

  test('rejects at once when not open, and pending requests when the link drops', async () => {
    const ctx = setup();
    await assert.rejects(ctx.herald.request('ping'), (e) => e.code === 'not_open');
    const socket = await connectAndOpen(ctx);
    const reply = ctx.herald.request('presence', { user_ids: [] });
    socket.drop();
    await assert.rejects(reply, (e) => e.code === 'closed');
  });
});

describe('on', () => {
  test('delivers frames by type until unsubscribed', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    const seen = [];
    const off = ctx.herald.on('chat', (data, frame) => seen.push([data.content, frame.type]));
    const other = [];
    ctx.herald.on('chat', (data) => other.push(data.content));
    socket.receive({ type: 'chat', data: { from_user_id: 2, content: 'one' } });
    off();
    off(); // twice is harmless
    socket.receive({ type: 'chat', data: { from_user_id: 2, content: 'two' } });
    assert.deepEqual(seen, [['one', 'chat']]);
    assert.deepEqual(other, ['one', 'two']);
  });

  test('ignores frames that are not JSON objects with a type', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    const seen = [];
    ctx.herald.on('undefined', () => seen.push('x'));
    socket.receive('not json');
    socket.receive('[1,2]');
    socket.receive('{"data":{}}');
    assert.deepEqual(seen, []);
    assert.equal(ctx.herald.state, 'open');
  });
});

describe('subscribe', () => {
  test('joins once, delivers publications, and resumes from the last offset after a reconnect', async () => {
    const ctx = setup();
    let socket = await connectAndOpen(ctx);
    const got = [];
    const infos = [];
    ctx.herald.subscribe('orders', (data, frame) => got.push(frame.offset), { onSubscribed: (i) => infos.push(i) });
    ctx.herald.subscribe('orders', () => {});
    assert.equal(socket.frames('subscribe').length, 1, 'a second handler does not join again');
    assert.deepEqual(socket.last('subscribe').data, { channel: 'orders' });
    socket.receive({ type: 'ack', id: socket.last('subscribe').id, data: { offset: 16, epoch: 'e1' } });
    await settle();
    socket.receive({ type: 'data_update', channel: 'orders', offset: 17, data: { id: 1 } });
    socket.receive({ type: 'data_update', channel: 'orders', offset: 18, data: { id: 2 } });
    socket.receive({ type: 'data_update', channel: 'orders', offset: 18, data: { id: 2 } }); // duplicate

    socket.drop();
    await ctx.clock.advance(100);
    socket = ctx.socket();
    socket.open();
    assert.deepEqual(socket.last('subscribe').data, { channel: 'orders', since: 18, epoch: 'e1' });
    socket.receive({ type: 'data_update', channel: 'orders', offset: 19, data: { id: 3 } }); // replayed
    socket.receive({ type: 'ack', id: socket.last('subscribe').id, data: { offset: 19 } });
    await settle();
    assert.deepEqual(got, [17, 18, 19]);
    assert.deepEqual(infos, [
      { channel: 'orders', offset: 16, resumed: false, recovered: true },
      { channel: 'orders', offset: 19, resumed: true, recovered: true },
    ]);
  });

  test('reports recovered:false so the caller can refetch, and adopts the server offset', async () => {
    const ctx = setup();
    let socket = await connectAndOpen(ctx);
    const infos = [];
    const got = [];
    ctx.herald.subscribe('orders', (d, f) => got.push(f.offset), { onSubscribed: (i) => infos.push(i) });
    socket.receive({ type: 'ack', id: socket.last('subscribe').id, data: { offset: 40 } });
    socket.receive({ type: 'data_update', channel: 'orders', offset: 41, data: {} });
    socket.drop(1012, 'restart');
    await ctx.clock.advance(100);
    socket = ctx.socket();
    socket.open();
    assert.equal(socket.last('subscribe').data.since, 41);
    socket.receive({ type: 'ack', id: socket.last('subscribe').id, data: { offset: 2, recovered: false } });
    await settle();
    assert.deepEqual(infos.at(-1), { channel: 'orders', offset: 2, resumed: true, recovered: false });
    socket.receive({ type: 'data_update', channel: 'orders', offset: 3, data: {} });
    assert.deepEqual(got, [41, 3], 'after a restart of the history, new offsets are delivered');
  });

  test('subscribing while offline joins on open; the last unsubscribe leaves the channel', async () => {
    const ctx = setup();
    const offA = ctx.herald.subscribe('news', () => {});
    const offB = ctx.herald.subscribe('news', () => {});
    const socket = await connectAndOpen(ctx);
    assert.deepEqual(socket.last('subscribe').data, { channel: 'news' });
    offA();
    assert.equal(socket.frames('unsubscribe').length, 0);
    offB();
    assert.deepEqual(socket.last('unsubscribe').data, { channel: 'news' });
    socket.receive({ type: 'message', channel: 'news', offset: 5, data: {} });

    socket.drop();
    await ctx.clock.advance(100);
    ctx.socket().open();
    assert.equal(ctx.socket().frames('subscribe').length, 0, 'a channel left is not joined again');
  });

  test('a refused subscription reaches onError', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    const errors = [];
    ctx.herald.subscribe('private-x', () => {}, { onError: (e) => errors.push(e.code) });
    socket.receive({ type: 'error', id: socket.last('subscribe').id, data: { code: 'forbidden', message: 'no' } });
    await settle();
    assert.deepEqual(errors, ['forbidden']);
  });

  test('a channel the server leaves after a refresh reaches onError and is not joined again', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    const errors = [];
    const received = [];
    const left = [];
    ctx.herald.on('unsubscribed', (d) => left.push(d.channel));
    ctx.herald.subscribe('private-x', (d) => received.push(d), { onError: (e) => errors.push(e.code) });
    ctx.herald.subscribe('news', () => {});
    socket.receive({ type: 'unsubscribed', data: { channel: 'private-x', code: 'forbidden', message: 'not any more' } });
    socket.receive({ type: 'message', channel: 'private-x', offset: 9, data: { late: true } });
    assert.deepEqual(errors, ['forbidden']);
    assert.deepEqual(left, ['private-x']);
    assert.deepEqual(received, [], 'nothing of the channel after it was left');

    socket.drop();
    await ctx.clock.advance(100);
    ctx.socket().open();
    assert.deepEqual(ctx.socket().frames('subscribe').map((f) => f.data.channel), ['news']);
  });

  test('channel publications do not reach type listeners', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    const direct = [];
    ctx.herald.on('data_update', (d) => direct.push(d.id));
    ctx.herald.subscribe('orders', () => {});
    socket.receive({ type: 'data_update', channel: 'orders', offset: 1, data: { id: 'channel' } });
    socket.receive({ type: 'data_update', data: { id: 'direct' } });
    assert.deepEqual(direct, ['direct']);
  });
});

describe('inbox sync and acks', () => {
  test('sends no sync on open or reopen: the server pushes the backlog itself, so each arrives once', async () => {
    const ctx = setup();
    let socket = await connectAndOpen(ctx);
    const seen = [];
    const counts = [];
    ctx.herald.on('notification', (n) => seen.push(n.id));
    ctx.herald.on('unread_count', (d) => counts.push(d.count));
    // what the server pushes on open: the undelivered notifications, then the unread count
    socket.receive({ type: 'notification', data: { id: 7, title: 'a' } });
    socket.receive({ type: 'notification', data: { id: 9, title: 'b' } });
    socket.receive({ type: 'unread_count', data: { count: 2 } });
    await ctx.clock.advance(1000);
    assert.equal(socket.frames('sync').length, 0);
    assert.deepEqual(seen, [7, 9]);
    assert.deepEqual(counts, [2]);

    socket.drop();
    await ctx.clock.advance(100);
    socket = ctx.socket();
    socket.open();
    await ctx.clock.advance(1000);
    assert.equal(socket.frames('sync').length, 0, 'no sync after a reconnect either');
  });

  test('sync() asks from the last id seen, page after page until one brings none', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    const counts = [];
    ctx.herald.on('unread_count', (d) => counts.push(d.count));
    socket.receive({ type: 'notification', data: { id: 4 } });
    socket.receive({ type: 'unread_count', data: { count: 5 } }); // the end of the push on open
    const done = ctx.herald.sync();
    await settle();
    assert.deepEqual(socket.last('sync').data, { since_id: 4 });
    socket.receive({ type: 'notification', data: { id: 5 } });
    socket.receive({ type: 'notification', data: { id: 6 } });
    socket.receive({ type: 'ack', id: socket.last('sync').id, data: { type: 'sync', synced: 2, count: 5 } });
    await settle();
    assert.deepEqual(socket.last('sync').data, { since_id: 6 });
    socket.receive({ type: 'ack', id: socket.last('sync').id, data: { type: 'sync', synced: 0, count: 5 } });
    assert.deepEqual(await done, { type: 'sync', synced: 0, count: 5 });
    assert.equal(socket.frames('sync').length, 2);
    assert.deepEqual(counts, [5, 5, 5]);
  });

  test('sync() called right on open waits for the push on open to end, then asks from its last id', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    let done = null;
    const waiting = ctx.herald.sync().then((reply) => (done = reply));
    await settle();
    assert.equal(socket.frames('sync').length, 0, 'nothing asked while the server pushes the backlog');
    socket.receive({ type: 'notification', data: { id: 7 } });
    socket.receive({ type: 'notification', data: { id: 9 } });
    socket.receive({ type: 'unread_count', data: { count: 2 } });
    await settle();
    assert.deepEqual(socket.last('sync').data, { since_id: 9 });
    socket.receive({ type: 'ack', id: socket.last('sync').id, data: { type: 'sync', synced: 0, count: 2 } });
    await waiting;
    assert.deepEqual(done, { type: 'sync', synced: 0, count: 2 });
  });

  test('sync() on open asks anyway when the end of the push on open does not come in time', async () => {
    const ctx = setup({ requestTimeoutMs: 500 });
    const socket = await connectAndOpen(ctx);
    ctx.herald.sync().catch(() => {});
    await ctx.clock.advance(499);
    assert.equal(socket.frames('sync').length, 0);
    await ctx.clock.advance(1);
    await settle();
    assert.equal(socket.frames('sync').length, 1);
  });

  test('a sync() waiting for the push on open rejects when the link drops', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    const outcome = ctx.herald.sync().then(() => 'resolved', (e) => e.code);
    socket.drop();
    assert.equal(await outcome, 'closed');
  });

  test('sync() while the server still pushes (another sync): the in_progress reply ends it, no count', async () => {
    const ctx = setup();
    const socket = await connectAndOpen(ctx);
    socket.receive({ type: 'unread_count', data: { count: 3 } });
    const counts = [];
    ctx.herald.on('unread_count', (d) => counts.push(d.count));
    const done = ctx.herald.sync();
    await settle();
    socket.receive({ type: 'ack', id: socket.last('sync').id, data: { type: 'sync', synced: 0, in_progress: true } });
    assert.deepEqual(await done, { type: 'sync', synced: 0, in_progress: true });
    assert.equal(socket.frames('sync').length, 1, 'asked once');
    assert.deepEqual(counts, [], 'the running push sends the count itself');
  });

  test('acks notifications in one batch per window', async () => {
    const ctx = setup({ ackDelayMs: 50 });
    const socket = await connectAndOpen(ctx);
    const seen = [];
    ctx.herald.on('notification', (n) => seen.push(n.id));
    for (const id of [3, 4, 5]) socket.receive({ type: 'notification', data: { id } });
    assert.equal(socket.frames('ack').length, 0);
    await ctx.clock.advance(50);
    assert.equal(socket.frames('ack').length, 1);
    assert.deepEqual(socket.last('ack').data, { notification_ids: [3, 4, 5] });
    assert.ok(socket.last('ack').id, 'acks carry an id so the server confirms them');
    socket.receive({ type: 'notification', data: { id: 6 } });
    await ctx.clock.advance(50);
    assert.deepEqual(socket.frames('ack').map((f) => f.data.notification_ids), [[3, 4, 5], [6]]);
    assert.deepEqual(seen, [3, 4, 5, 6]);
  });

  test('sends a full batch at once', async () => {
    const ctx = setup({ ackBatchSize: 2 });
    const socket = await connectAndOpen(ctx);
    for (const id of [1, 2, 3]) socket.receive({ type: 'notification', data: { id } });
    assert.deepEqual(socket.frames('ack').map((f) => f.data.notification_ids), [[1, 2]]);
    await ctx.clock.advance(50);
    assert.deepEqual(socket.frames('ack').map((f) => f.data.notification_ids), [[1, 2], [3]]);
  });

  test('autoAck:false leaves acking to the caller', async () => {
    const ctx = setup({ autoAck: false });
    const socket = await connectAndOpen(ctx);
    socket.receive({ type: 'notification', data: { id: 1 } });
    await ctx.clock.advance(1000);
    assert.equal(socket.frames('ack').length, 0);
  });
});

describe('tokens', () => {
  test('the provider gives the first token and a new one after token_expired', async () => {
    const tokens = ['t1', 't2', 't3'];
    let calls = 0;
    const ctx = setup({ token: undefined, tokenProvider: async () => tokens[calls++] });
    let socket = await connectAndOpen(ctx);
    assert.match(socket.url, /token=t1$/);
    const errors = [];
    ctx.herald.on('error', (e) => errors.push(e.code));
    socket.receive({ type: 'error', data: { code: 'token_expired', message: 'expired' } });
    socket.drop(1008, 'token expired');
    await ctx.clock.advance(100);
    await settle();
    socket = ctx.socket();
    assert.match(socket.url, /token=t2$/);
    assert.deepEqual(errors, ['token_expired']);
    assert.equal(calls, 2);

    socket.open();
    socket.drop(1006); // a plain network drop keeps the token
    await ctx.clock.advance(100);
    assert.match(ctx.socket().url, /token=t2$/);
    assert.equal(calls, 2);
  });

  test('a refused upgrade (closed before open) asks the provider again', async () => {
    let calls = 0;
    const ctx = setup({ token: undefined, tokenProvider: () => `p${++calls}` });
    ctx.herald.connect();
    await settle();
    ctx.socket().drop(1006);
    await ctx.clock.advance(100);
    assert.match(ctx.socket().url, /token=p2$/);
  });

  test('a failing provider counts as a failed attempt', async () => {
    let calls = 0;
    const ctx = setup({
      token: undefined,
      tokenProvider: async () => {
        calls++;
        if (calls === 1) throw new Error('offline');
        return 'ok';
      },
    });
    ctx.herald.connect();
    await settle();
    assert.equal(ctx.herald.state, 'reconnecting');
    assert.match(ctx.states.at(-1).reason, /offline/);
    await ctx.clock.advance(100);
    assert.match(ctx.socket().url, /token=ok$/);
  });

  test('a short-lived token is refreshed half-way, not in a tight loop', async () => {
    const clock = new FakeClock();
    const nowSec = () => Math.floor(clock.now() / 1000);
    let calls = 0;
    const ctx = setup({
      token: undefined,
      tokenProvider: () => (calls++, fakeJwt({ sub: '1', exp: nowSec() + 10 })),
      timers: clock,
      refreshLeadMs: 60_000,
      heartbeat: { intervalMs: 1e9 },
    });
    const socket = await connectAndOpen(ctx);
    await clock.advance(4_999);
    assert.equal(socket.frames('refresh').length, 0);
    await clock.advance(1);
    assert.equal(socket.frames('refresh').length, 1);
    socket.receive({ type: 'ack', id: socket.last('refresh').id, data: {} });
    await settle();
    await clock.advance(4_000);
    assert.equal(socket.frames('refresh').length, 1, 'the next refresh waits half of the new token\'s life');
    await clock.advance(1_000);
    assert.equal(socket.frames('refresh').length, 2);
    assert.equal(calls, 3);
  });

  test('refreshes the token before it expires with a refresh frame', async () => {
    const clock = new FakeClock();
    const nowSec = Math.floor(clock.now() / 1000);
    const first = fakeJwt({ sub: '1', exp: nowSec + 120 });
    const second = fakeJwt({ sub: '1', exp: nowSec + 600 });
    const issued = [first, second];
    const ctx = setup({ token: undefined, tokenProvider: () => issued.shift(), timers: clock, refreshLeadMs: 30_000,
      heartbeat: { intervalMs: 1e9 } });
    const socket = await connectAndOpen(ctx);
    await clock.advance(89_000);
    assert.equal(socket.frames('refresh').length, 0);
    await clock.advance(1_000);
    assert.deepEqual(socket.last('refresh').data, { token: second });
    socket.receive({ type: 'ack', id: socket.last('refresh').id, data: {} });
    await settle();
    socket.drop();
    await clock.advance(1_000);
    assert.match(ctx.socket().url, new RegExp(`token=${second}$`), 'reconnects with the refreshed token');
  });
});
