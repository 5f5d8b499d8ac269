// Real Pusher clients against a Herald node (run by PusherNodeTest): pusher-js and laravel-echo
// connect to /app/{key}, Pusher's Node server SDK triggers events and reads channel information,
// and a small HTTP server plays the Laravel app's /broadcasting/auth, signing private and presence
// subscriptions with the SDK. Each step asserts; the facts are printed as one JSON line at the end.
import Pusher from 'pusher-js';
import Echo from 'laravel-echo';
import PusherServer from 'pusher';
import http from 'node:http';
import assert from 'node:assert/strict';

const { HERALD_PORT, APP_ID, APP_KEY, APP_SECRET, HERALD_API_KEY } = process.env;
const host = '127.0.0.1';
const port = Number(HERALD_PORT);
const sdk = new PusherServer({ appId: APP_ID, key: APP_KEY, secret: APP_SECRET, host, port, useTLS: false });
const facts = {};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, check, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await sleep(20);
  }
  throw new Error('timed out waiting for ' + what);
}

// --- the Laravel app: POST /broadcasting/auth signs a subscription for the user in X-User ---
const auth = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const form = new URLSearchParams(body);
    const user = req.headers['x-user'];
    const channel = form.get('channel_name');
    const signed = channel.startsWith('presence-')
      ? sdk.authorizeChannel(form.get('socket_id'), channel, { user_id: user, user_info: { name: 'user ' + user } })
      : sdk.authorizeChannel(form.get('socket_id'), channel);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(signed));
  });
});
await new Promise((r) => auth.listen(0, host, r));
const authUrl = `http://${host}:${auth.address().port}/broadcasting/auth`;

async function authorize(user, socketId, channelName) {
  const r = await fetch(authUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-User': String(user) },
    body: new URLSearchParams({ socket_id: socketId, channel_name: channelName }).toString(),
  });
  return r.json();
}

const common = { cluster: 'mt1', wsHost: host, wsPort: port, forceTLS: false, enabledTransports: ['ws'], disableStats: true };

function client(user, key = APP_KEY) {
  const p = new Pusher(key, {
    ...common,
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, cb) => authorize(user, socketId, channelName).then((a) => cb(null, a), (e) => cb(e, null)),
    },
  });
  p.errors = [];
  p.connection.bind('error', (e) => p.errors.push(e?.data ?? e?.error?.data ?? e)); // in the handshake: {type: 'WebSocketError', error: {data}}
  return p;
}

async function connected(p) {
  await until('connected', () => p.connection.state === 'connected');
  return p.connection.socket_id;
}

function subscribed(p, name) {
  return new Promise((resolve, reject) => {
    const ch = p.subscribe(name);
    ch.bind('pusher:subscription_succeeded', (data) => resolve({ ch, data }));
    ch.bind('pusher:subscription_error', reject);
  });
}

try {
  // 1. connect: socket_id "123.456"
  const a = client(1);
  const socketA = await connected(a);
  assert.match(socketA, /^\d+\.\d+$/);
  facts.socketId = socketA;

  // 2. Laravel Echo: a public channel, a private one (whispers) and a presence one
  const echo = new Echo({
    broadcaster: 'pusher', key: APP_KEY, ...common, Pusher,
    authorizer: (channel) => ({
      authorize: (socketId, cb) => authorize(7, socketId, channel.name).then((r) => cb(false, r), (e) => cb(true, e)),
    }),
  });
  const echoGot = { orders: [], whispers: [], joining: [], leaving: [], here: null };
  echo.channel('orders').listen('.order-shipped', (e) => echoGot.orders.push(e));
  echo.private('chat').listenForWhisper('typing', (e) => echoGot.whispers.push(e));
  echo.join('room')
    .here((users) => (echoGot.here = users))
    .joining((u) => echoGot.joining.push(u))
    .leaving((u) => echoGot.leaving.push(u));
  await until('echo joined the presence channel', () => echoGot.here !== null);
  assert.deepEqual(echoGot.here, [{ name: 'user 7' }]);

  // 3. the server SDK triggers on a public channel: pusher-js and Echo both get it
  const aGot = [];
  const { ch: orders } = await subscribed(a, 'orders');
  orders.bind_global((event, data) => { if (!event.startsWith('pusher')) aGot.push({ event, data }); });
  await sleep(100); // Echo's subscription to orders was sent before
  await sdk.trigger('orders', 'order-shipped', { id: 1 });
  await until('order 1 at pusher-js', () => aGot.some((e) => e.data?.id === 1));
  await until('order 1 at Echo', () => echoGot.orders.some((e) => e.id === 1));

  // 4. one channel space: Herald's own send-to-channel reaches Pusher clients
  const r = await fetch(`http://${host}:${port}/admin/websocket/send-to-channel`, {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + HERALD_API_KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify({ channel: 'orders', type: 'price', data: { v: 2 } }),
  });
  assert.equal(r.status, 200);
  await until('Herald push at pusher-js', () => aGot.some((e) => e.event === 'price' && e.data?.v === 2));

  // 5. socket_id excludes the sender's connection
  await sdk.trigger('orders', 'order-shipped', { id: 2 }, { socket_id: socketA });
  await until('order 2 at Echo', () => echoGot.orders.some((e) => e.id === 2));
  await sleep(300);
  assert.equal(aGot.filter((e) => e.data?.id === 2).length, 0, 'the excluded socket got the event');

  // 6. a batch of two
  await sdk.triggerBatch([
    { channel: 'orders', name: 'order-shipped', data: { id: 3 } },
    { channel: 'orders', name: 'order-shipped', data: { id: 4 } },
  ]);
  await until('the batch at Echo', () => echoGot.orders.some((e) => e.id === 4));
  facts.echoOrders = echoGot.orders.map((e) => e.id);

  // 7. private channel + client events: delivered to others, never echoed to the sender
  const { ch: chat } = await subscribed(a, 'private-chat');
  const aWhispers = [];
  chat.bind('client-typing', (d) => aWhispers.push(d));
  await sleep(100);
  echo.private('chat').whisper('typing', { who: 7 });
  await until('the whisper at pusher-js', () => aWhispers.length === 1);
  assert.deepEqual(aWhispers[0], { who: 7 });
  chat.trigger('client-typing', { who: 1 });
  await until('pusher-js client event at Echo', () => echoGot.whispers.length === 1);
  await sleep(300);
  assert.equal(aWhispers.length, 1, 'a client event came back to its sender');
  assert.deepEqual(echoGot.whispers, [{ who: 1 }]);

  // 8. presence: user 8 in two tabs joins once, leaves once
  const b1 = client(8);
  const b2 = client(8);
  await connected(b1);
  await connected(b2);
  const { data: b1Members } = await subscribed(b1, 'presence-room');
  assert.equal(b1Members.count, 2);
  await subscribed(b2, 'presence-room');
  await until('Echo saw user 8 join', () => echoGot.joining.length >= 1);
  await sleep(300);
  assert.deepEqual(echoGot.joining, [{ name: 'user 8' }], 'member_added once per user');

  // 9. channel information through the SDK
  const info = await (await sdk.get({ path: '/channels/presence-room', params: { info: 'user_count,subscription_count' } })).json();
  assert.equal(info.occupied, true);
  assert.equal(info.user_count, 2);
  assert.equal(info.subscription_count, 3);
  const users = await (await sdk.get({ path: '/channels/presence-room/users' })).json();
  assert.deepEqual(users.users.map((u) => u.id).sort(), ['7', '8']);
  const list = await (await sdk.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })).json();
  assert.deepEqual(list.channels, { 'presence-room': { user_count: 2 } });
  const all = await (await sdk.get({ path: '/channels' })).json();
  assert.ok('orders' in all.channels && 'private-chat' in all.channels, JSON.stringify(all));
  facts.channelInfo = info;

  b2.disconnect();
  await sleep(500);
  assert.deepEqual(echoGot.leaving, [], 'a second tab leaving is not the user leaving');
  b1.disconnect();
  await until('Echo saw user 8 leave', () => echoGot.leaving.length === 1);
  assert.deepEqual(echoGot.leaving, [{ name: 'user 8' }]);

  // 10. refusals
  const forged = new Pusher(APP_KEY, {
    ...common,
    channelAuthorization: { customHandler: (_p, cb) => cb(null, { auth: APP_KEY + ':' + '0'.repeat(64) }) },
  });
  forged.errors = [];
  forged.connection.bind('error', (e) => forged.errors.push(e?.data ?? e));
  await connected(forged);
  forged.subscribe('private-secret');
  await until('4009 for a forged signature', () => forged.errors.some((e) => e.code === 4009));
  forged.disconnect();

  a.send_event('client-x', { no: 1 }, 'orders');
  await until('a client event on a public channel refused', () => a.errors.some((e) => /private- and presence-/.test(e.message)));

  let tooBig = null;
  try {
    await sdk.trigger('orders', 'big', 'x'.repeat(11 * 1024));
  } catch (e) {
    tooBig = e.status;
  }
  assert.equal(tooBig, 413);

  const wrong = client(1, 'no-such-key');
  await until('4001 for an unknown key', () => wrong.errors.some((e) => e.code === 4001));
  await until('no reconnect after 4001', () => wrong.connection.state === 'disconnected');
  wrong.disconnect();
  facts.refusals = { forged: 4009, unknownKey: 4001, tooBig };

  a.disconnect();
  echo.disconnect();
  facts.ok = true;
  console.log(JSON.stringify(facts));
  auth.close();
  process.exit(0);
} catch (e) {
  console.error('pusher scenario failed:', e);
  console.log(JSON.stringify({ ...facts, ok: false, error: String(e?.message ?? e) }));
  process.exit(1);
}
