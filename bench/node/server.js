// Minimal Node `ws` push server: the baseline the bench compares Herald with. Same paths as the
// bench scenarios use; no auth (the user is ?user_id=), no heartbeat, no limits. One process.
//   node --expose-gc server.js --host 127.0.0.1 --port 9000
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const host = opt('--host', '127.0.0.1');
const port = Number(opt('--port', '9000'));

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: true });
const users = new Map();    // user id -> Set<ws>
const channels = new Map(); // channel -> Set<ws>
const offsets = new Map();  // channel -> last offset

function reply(res, data) {
  const body = JSON.stringify({ code: 200, message: 'success', data });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readJson(req, cb) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => cb(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')));
}

function sendAll(set, buf) {
  if (!set) return 0;
  let n = 0;
  for (const ws of set) { if (ws.readyState === 1) { ws.send(buf, { binary: false }); n++; } }
  return n;
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/health') return reply(res, { connections: wss.clients.size });
  if (path === '/gc' && req.method === 'POST') { if (global.gc) global.gc(); return reply(res, { gc: !!global.gc }); }
  if (req.method !== 'POST') { res.writeHead(404); return res.end(); }
  readJson(req, (b) => {
    const type = b.type || 'message';
    if (path === '/admin/websocket/broadcast') {
      const buf = Buffer.from(JSON.stringify({ type, data: b.data }));
      return reply(res, { count: sendAll(wss.clients, buf) });
    }
    if (path === '/admin/websocket/send-to-user') {
      const buf = Buffer.from(JSON.stringify({ type, data: b.data }));
      return reply(res, { sent: sendAll(users.get(Number(b.user_id)), buf) > 0 });
    }
    if (path === '/admin/websocket/send-to-channel') {
      const offset = (offsets.get(b.channel) || 0) + 1;
      offsets.set(b.channel, offset);
      const buf = Buffer.from(JSON.stringify({ type, channel: b.channel, offset, data: b.data }));
      return reply(res, { count: sendAll(channels.get(b.channel), buf) });
    }
    res.writeHead(404); res.end();
  });
});

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/ws') { socket.destroy(); return; }
  const user = Number(url.searchParams.get('user_id') || 0);
  wss.handleUpgrade(req, socket, head, (ws) => {
    let set = users.get(user);
    if (!set) { set = new Set(); users.set(user, set); }
    set.add(ws);
    const subs = [];
    ws.on('message', (raw) => {
      let f;
      try { f = JSON.parse(raw); } catch (e) { return; }
      if (f.type === 'subscribe') {
        const ch = f.data && f.data.channel;
        let s = channels.get(ch);
        if (!s) { s = new Set(); channels.set(ch, s); }
        s.add(ws); subs.push(ch);
        ws.send(JSON.stringify({ type: 'ack', id: f.id, data: { channel: ch, offset: offsets.get(ch) || 0 } }));
      } else if (f.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong', data: { timestamp: Date.now() } }));
      }
    });
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0) users.delete(user);
      for (const ch of subs) { const s = channels.get(ch); if (s) s.delete(ws); }
    });
    ws.on('error', () => {});
    ws.send(JSON.stringify({ type: 'init', data: { client_id: String(Math.random()).slice(2), user_id: user, heartbeat_interval: 25, server_time: Date.now() } }));
  });
});

server.keepAliveTimeout = 0;
server.headersTimeout = 0;
server.requestTimeout = 0;
server.listen(port, host, 4096, () => console.log(`baseline node ws server on ${host}:${port}`));
