/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp`
 * (epoch seconds) and `webhook-signature`, `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` per
 * live secret, space-separated — during a rotation the old secret signs beside the new one, so a
 * receiver holding either verifies. The id is the event's, the same on every retry, which is how
 * receivers drop duplicates.
 */
import { createHmac } from 'node:crypto';
import { secretKeyBytes } from './secret-box.ts';

export type SignatureHeaders = { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };

/** One `v1,…` signature of `id.timestamp.body` under one `whsec_` secret. */
export function signature(secret: string, id: string, timestampS: number, body: string): string {
  const mac = createHmac('sha256', secretKeyBytes(secret)).update(`${id}.${timestampS}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** The three headers of a message signed by every secret given (newest first); at least one is needed. */
export function signatureHeaders(message: { id: string; timestamp: Date; body: string; secrets: readonly string[] }): SignatureHeaders {
  if (message.secrets.length === 0) throw new Error('no secret to sign with');
  const ts = Math.floor(message.timestamp.getTime() / 1000);
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(ts),
    'webhook-signature': message.secrets.map((s) => signature(s, message.id, ts, message.body)).join(' '),
  };
}
