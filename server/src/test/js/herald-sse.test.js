import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Herald, eventStreamParser } from '../../main/resources/web/herald.js';
import { FakeClock, fakeWebSocketClass, fakeFetch, flush, settle } from './fakes.js';

/** A client whose WebSockets and fetch are fakes; `api` answers the HTTP calls. */
function setup(options = {}, api) {
  const clock = new FakeClock();
  const { FakeWebSocket, sockets } = fakeWebSocketClass();
  const http = fakeFetch(api);
  const states = [];
  const herald = new Herald({
    url: 'ws://herald.test/ws',
    token: 'tok-1',
    WebSocket: FakeWebSocket,
    fetch: http.fetch,
    timers: clock,
    random: () => 0,
    reconnect: { baseMs: 100, maxMs: 1000, jitter: 0.5 },
    heartbeat: { intervalMs: 1000, timeoutMs: 300 },
    requestTimeoutMs: 500,
    ...options,
  });
  herald.on('state', (change) => states.push(change));
  return { herald, clock, sockets, states, http };
}

/** Two WebSocket connects refused before opening, then the fallback's stream, opened with init. */
async function fallBack(ctx) {
  ctx.herald.connect();
  await settle();
  ctx.sockets.at(-1).drop(1006);
  await ctx.clock.advance(100);
  ctx.sockets.at(-1).drop(1006);
  await ctx.clock.advance(0);
  await flush();
  const stream = ctx.http.streams.at(-1);
  assert.ok(stream, 'an event stream was opened');
  stream.event({ type: 'init', data: { client_id: 'c1', user_id: 7 } });
  await flush();
  return stream;
}

describe('event-stream parser', () => {
  test('splits events on blank lines in any chunking, skips comments, keeps ids and multi-line data', () => {
    const events = [];
    const parse = eventStreamParser((e) => events.push(e));
    const text = ': heartbeat\n\nid: a~1~\r\nevent: m\r\ndata: {"x":1}\r\n\r\nevent: n\ndata: one\ndata: two\n\n';
    for (const piece of text.match(/.{1,3}/gs)) parse(piece);
    assert.deepEqual(events, [
      { type: 'm', data: '{"x":1}', id: 'a~1~' },
      { type: 'n', data: 'one\ntwo', id: undefined },
    ]);
  });
});

describe('fallback to the event stream', () => {
  test('after fallbackAfter refused WebSocket connects the client opens /sse and reports open on it', async () => {
    const ctx = setup();
    const stream = await fallBack(ctx);
    assert.equal(ctx.sockets.length, 2);
    assert.equal(stream.url.origin + stream.url.pathname, 'http://herald.test/sse');
    assert.equal(stream.url.searchParams.get('token'), 'tok-1');
    assert.equal(ctx.herald.state, 'open');
    assert.equal(ctx.herald.transport, 'sse');
    assert.equal(ctx.states.at(-1).transport, 'sse');
    assert.ok(ctx.states.some((s) => s.reason === 'falling back to the event stream'));
  });

  test("transport 'websocket' never falls back, and neither does a client whose WebSocket once opened", async () => {
    const never = setup({ transport: 'websocket' });
    never.herald.connect();
    await settle();
    for (let i = 0; i < 4; i++) {
      never.sockets.at(-1).drop(1006);
      await never.clock.advance(2000);
    }
    assert.equal(never.http.calls.length, 0);
    assert.equal(never.sockets.length, 5);

    const opened = setup();
    opened.herald.connect();
    await settle();
    opened.sockets.at(-1).open();
    opened.sockets.at(-1).drop(1006);
    for (let i = 0; i < 4; i++) {
      await opened.clock.advance(2000);
      opened.sockets.at(-1).drop(1006);
    }
    assert.equal(opened.http.calls.length, 0, 'a server that is down is not a proxy that blocks WebSockets');
    assert.equal(opened.herald.transport, 'websocket');
  });

  test('events reach listeners; notifications are acked over HTTP and a repeated one is dropped', async () => {
    const ctx = setup({}, (call) => ({ status: 200, body: { code: 200, message: 'success', data: { acknowledged: 1 } } }));
    const stream = await fallBack(ctx);
    const got = [];
    ctx.herald.on('notification', (n) => got.push(n.id));
    ctx.herald.on('order.paid', (d) => got.push(d.order));
    stream.event({ type: 'notification', data: { id: 41, title: 't' } });
    stream.event({ type: 'order.paid', data: { order: 'o-1' } });
    stream.event({ type: 'notification', data: { id: 41, title: 't' } });
    await flush();
    assert.deepEqual(got, [41, 'o-1']);
    await ctx.clock.advance(50);
    await flush();
    const ack = ctx.http.calls.find((c) => c.url.endsWith('/admin/system/notifications/ack'));
    assert.ok(ack, 'the ack went over HTTP');
    assert.equal(ack.method, 'POST');
    assert.equal(ack.headers.Authorization, 'Bearer tok-1');
    assert.deepEqual(JSON.parse(ack.body), { ids: [41] });
  });

  test('read and sync go over HTTP; frames with no HTTP twin are refused', async () => {
    const ctx = setup({}, (call) => ({
      status: 200,
      body: { code: 200, message: 'success', data: call.url.endsWith('unread-count') ? { count: 3 } : { updated: 2 } },
    }));
    await fallBack(ctx);
    assert.deepEqual(await ctx.herald.request('read', { ids: [1, 2] }), { type: 'read', updated: 2 });
    assert.deepEqual(JSON.parse(ctx.http.calls.at(-1).body), { ids: [1, 2] });
    assert.ok(ctx.http.calls.at(-1).url.endsWith('/batch-read'));
    await ctx.herald.request('read', { all: true });
    assert.ok(ctx.http.calls.at(-1).url.endsWith('/read-all'));
    const counts = [];
    ctx.herald.on('unread_count', (d) => counts.push(d.count));
    assert.deepEqual(await ctx.herald.sync(), { synced: 0, count: 3 });
    assert.deepEqual(counts, [3]);
    await assert.rejects(ctx.herald.request('chat', { to: 2 }), { code: 'not_supported' });
  });

  test('subscribe reopens the stream with the channels and Last-Event-ID; the new stream takes over at its init', async () => {
    const ctx = setup();
    const first = await fallBack(ctx);
    const got = [];
    const infos = [];
    ctx.herald.subscribe('news', (d) => got.push(d.n), { onSubscribed: (i) => infos.push(i) });
    await ctx.clock.advance(0);
    await flush();
    const second = ctx.http.streams.at(-1);
    assert.notEqual(second, first);
    assert.equal(second.url.searchParams.get('channels'), 'news');
    assert.equal(first.aborted, false, 'the old stream serves until the new one is ready');
    second.event({ type: 'init', data: {} });
    second.event({ type: 'ack', data: { type: 'subscribe', channel: 'news', offset: 4, epoch: 'e1' } }, 'news~4~e1');
    second.event({ type: 'm', channel: 'news', offset: 5, data: { n: 5 } }, 'news~5~e1');
    await flush();
    assert.equal(first.aborted, true);
    assert.deepEqual(got, [5]);
    assert.deepEqual(infos, [{ channel: 'news', offset: 4, resumed: false, recovered: true }]);

    second.end(); // the server went away: reconnect resumes from the last id
    await flush();
    await ctx.clock.advance(100);
    await flush();
    const third = ctx.http.streams.at(-1);
    assert.notEqual(third, second);
    assert.equal(third.headers['Last-Event-ID'], 'news~5~e1');
    third.event({ type: 'init', data: {} });
    third.event({ type: 'm', channel: 'news', offset: 5, data: { n: 5 } }, 'news~5~e1');
    third.event({ type: 'm', channel: 'news', offset: 6, data: { n: 6 } }, 'news~6~e1');
    await flush();
    assert.deepEqual(got, [5, 6], 'an offset already seen is not delivered twice');
  });

  test('a refused replacement stream (429 at the per-user limit) becomes a reconnect with the new channels', async () => {
    const ctx = setup();
    const first = await fallBack(ctx);
    ctx.http.state.refuseStreams = 429;
    ctx.herald.subscribe('news', () => {});
    await ctx.clock.advance(0);
    await flush();
    assert.equal(first.aborted, true, 'the old stream gives its place back');
    assert.equal(ctx.herald.state, 'reconnecting');
    ctx.http.state.refuseStreams = 0;
    await ctx.clock.advance(100);
    await flush();
    const next = ctx.http.streams.at(-1);
    assert.notEqual(next, first);
    assert.equal(next.url.searchParams.get('channels'), 'news');
    next.event({ type: 'init', data: {} });
    await flush();
    assert.equal(ctx.herald.state, 'open');
  });

  test("the server's close event decides like a close code: 4001 stays closed", async () => {
    const ctx = setup();
    const stream = await fallBack(ctx);
    stream.event({ type: 'close', data: { code: 4001, reason: 'disconnected by server' } });
    stream.end();
    await flush();
    assert.equal(ctx.herald.state, 'closed');
    assert.equal(ctx.states.at(-1).code, 4001);
  });

  test('a stream that stays silent past the heartbeat interval plus the timeout is dropped and reopened', async () => {
    const ctx = setup();
    const stream = await fallBack(ctx);
    await ctx.clock.advance(1200);
    stream.send(': heartbeat\n\n');
    await flush();
    await ctx.clock.advance(1200);
    assert.equal(ctx.herald.state, 'open', 'a comment counts as life');
    await ctx.clock.advance(150);
    assert.equal(ctx.herald.state, 'reconnecting');
    assert.equal(ctx.states.at(-1).reason, 'heartbeat timeout');
    assert.equal(stream.aborted, true);
  });
});
