// Pusher's Node server SDK checks webhooks Herald sent (PusherWebhookTest): stdin is a JSON array
// of {headers, body} as the test's receiver got them; stdout a JSON array of
// {valid, events} from pusher.webhook({headers, rawBody}).isValid() / getEvents().
import Pusher from "pusher";

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const requests = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const pusher = new Pusher({
  appId: process.env.APP_ID,
  key: process.env.APP_KEY,
  secret: process.env.APP_SECRET,
  host: "127.0.0.1",
});
const out = requests.map(({ headers, body }) => {
  const webhook = pusher.webhook({ headers, rawBody: body });
  const valid = webhook.isValid();
  return { valid, events: valid ? webhook.getEvents() : null, time: valid ? webhook.getTime().getTime() : null };
});
process.stdout.write(JSON.stringify(out));
