/**
 * Webhook signing secrets: made here (`whsec_` + base64 of 32 random bytes, the Standard Webhooks
 * form) and stored sealed — AES-256-GCM under the stage's webhook key — because the sender must read
 * them back to sign (a hash would not do).
 *
 * The webhook key (32 bytes) comes from
 * - `WEBHOOK_KEY` (base64) under `npm start` and in the tests, or
 * - in AWS, the SSM SecureString parameter named by `WEBHOOK_KEY_PARAMETER` (a standard parameter
 *   under the account's `aws/ssm` key: no fixed monthly cost), read once per function instance.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
// Named imports, not `await import()`: a dynamic import keeps the bundler from dropping the client's
// other ~150 commands (it doubled the size of the functions that seal or open secrets).
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

export const SECRET_PREFIX = 'whsec_';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A new signing secret, shown to its owner once. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The HMAC key a `whsec_` secret stands for (its base64 part, decoded). */
export function secretKeyBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

let cached: Promise<Buffer> | undefined;

function keyFrom(base64: string, where: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${where} must be 32 bytes, base64-encoded`);
  return key;
}

async function loadKey(): Promise<Buffer> {
  const local = process.env.WEBHOOK_KEY;
  if (local) return keyFrom(local, 'WEBHOOK_KEY');
  const name = process.env.WEBHOOK_KEY_PARAMETER;
  if (!name) throw new Error('Neither WEBHOOK_KEY nor WEBHOOK_KEY_PARAMETER is set: no key to seal webhook secrets with');
  const out = await new SSMClient({}).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  const value = out.Parameter?.Value;
  if (!value) throw new Error(`The webhook key parameter ${name} has no value`);
  return keyFrom(value, `The parameter ${name}`);
}

/** The stage's webhook key, loaded once (a failed load is tried again by the next call). */
function webhookKey(): Promise<Buffer> {
  cached ??= loadKey().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/** Forget the loaded key (tests that change WEBHOOK_KEY). */
export function forgetWebhookKey(): void {
  cached = undefined;
}

/** Seals a secret for storage: base64 of iv ‖ ciphertext ‖ tag. */
export async function sealSecret(secret: string): Promise<string> {
  const key = await webhookKey();
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const sealed = Buffer.concat([iv, cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return sealed.toString('base64');
}

/** Opens a sealed secret; throws if it was altered or sealed under another key. */
export async function openSecret(sealed: string): Promise<string> {
  const key = await webhookKey();
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}
