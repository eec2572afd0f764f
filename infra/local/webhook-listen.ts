/**
 * `npm run webhook:listen -- --secret whsec_...`: a webhook receiver on this machine, for trying
 * webhooks under `npm start`. It checks each request's Standard Webhooks signature (webhook-id,
 * webhook-timestamp, webhook-signature) with the endpoint's secret, answers 204 when it is valid and
 * 401 otherwise, and prints one line per request: the time, the event type, the event id and whether
 * it verified. Never the payload's data.
 *
 * Options: --port (8787), --host (127.0.0.1), --secret (or WEBHOOK_SECRET): the `whsec_` secret the
 * API showed when the endpoint was created.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';

/** The largest body read (events are small); a larger one is refused unread. */
const MAX_BODY_BYTES = 1024 * 1024;

const { values: flags } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    secret: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log('Usage: npm run webhook:listen -- --secret whsec_... [--port 8787] [--host 127.0.0.1]\n  The secret may also come from WEBHOOK_SECRET.');
  process.exit(0);
}
const secret = flags.secret ?? process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('No secret: pass --secret whsec_... (shown once when the endpoint was created) or set WEBHOOK_SECRET.');
  process.exit(2);
}
const port = Number(flags.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: not a port: ${flags.port}`);
  process.exit(2);
}
let webhook: Webhook;
try {
  webhook = new Webhook(secret);
} catch {
  console.error('--secret: not a webhook secret (expected whsec_ followed by base64).');
  process.exit(2);
}

/** An event type or id as printed: only what such a value may contain, so no payload data slips out. */
const printable = (value: unknown, pattern: RegExp) => (typeof value === 'string' && pattern.test(value) ? value : '-');
const TYPE = /^[a-z_]+(\.[a-z_]+)*$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      res.writeHead(413).end();
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (res.writableEnded) return;
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(req.headers[name] ?? '')]));
    let type: unknown;
    let verified = false;
    try {
      type = (webhook.verify(body, headers) as { type?: unknown }).type;
      verified = true;
    } catch {
      // Unverified: nothing of the body is read.
    }
    console.log(`${new Date().toISOString()} ${printable(type, TYPE)} ${printable(headers['webhook-id'], ID)} ${verified ? 'verified' : 'NOT verified'}`);
    res.writeHead(verified ? 204 : 401).end();
  });
});

server.listen(port, flags.host, () => {
  const { port: actual } = server.address() as AddressInfo;
  console.log(`Listening for webhooks on http://${flags.host}:${actual}/ (signatures checked; Ctrl-C stops)`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
