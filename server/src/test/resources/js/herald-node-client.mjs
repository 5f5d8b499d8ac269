// Runs herald.js under Node against a real Herald server, for HeraldJsNodeTest:
//   node --experimental-websocket herald-node-client.mjs <herald.js URL> <ws URL> <token> <mode>
// mode "plain": connect and let the server push the backlog; "sync-on-open": also call
// herald.sync() as soon as the link opens (racing the server's own push).
// Waits for the server's unread_count (the end of the push on connect), for sync() to settle and
// for the acks to be confirmed, then prints one JSON line: how often each notification id arrived.
const [moduleUrl, url, token, mode] = process.argv.slice(2);
const { Herald } = await import(moduleUrl);

const counts = {};
let unreadCounts = 0;
let syncReply = null;
let syncDone = mode !== 'sync-on-open';
const herald = new Herald({ url, token, ackDelayMs: 20 });
herald.on('notification', (n) => {
  counts[n.id] = (counts[n.id] ?? 0) + 1;
});
herald.on('unread_count', () => {
  unreadCounts += 1;
});
herald.on('state', ({ state }) => {
  if (state === 'open' && mode === 'sync-on-open') {
    herald.sync().then(
      (reply) => { syncReply = reply; syncDone = true; },
      (error) => { syncReply = { error: error.code }; syncDone = true; },
    );
  }
});
herald.connect();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const deadline = Date.now() + 30000;
while ((unreadCounts === 0 || !syncDone) && Date.now() < deadline) await sleep(20);
// what is still on its way (a second copy, if any) arrives within this quiet time
let seen = -1;
while (seen !== Object.values(counts).reduce((a, b) => a + b, 0) && Date.now() < deadline) {
  seen = Object.values(counts).reduce((a, b) => a + b, 0);
  await sleep(1000);
}
await herald.request('ping').catch(() => null); // the last acks are written before this reply
console.log(JSON.stringify({ counts, syncReply, unreadCounts, state: herald.state }));
herald.close();
process.exit(0);
