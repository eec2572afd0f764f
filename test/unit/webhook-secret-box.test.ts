/** Webhook secrets sealed for storage: they open again under the same key, and under nothing else. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { forgetWebhookKey, newWebhookSecret, openSecret, sealSecret, secretKeyBytes, SECRET_PREFIX } from '#shared/webhooks/secret-box.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  forgetWebhookKey();
});

describe('secret box', () => {
  it('makes whsec_ secrets of 32 random bytes that the reference implementation accepts', () => {
    const secret = newWebhookSecret();
    expect(secret.startsWith(SECRET_PREFIX)).toBe(true);
    expect(secretKeyBytes(secret)).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
    expect(() => new Webhook(secret)).not.toThrow();
  });

  it('seals and opens a secret; the sealed form does not show it, and differs each time', async () => {
    const secret = newWebhookSecret();
    const sealed = await sealSecret(secret);
    expect(sealed).not.toContain(secret.slice(SECRET_PREFIX.length, 20));
    expect(await sealSecret(secret)).not.toBe(sealed);
    expect(await openSecret(sealed)).toBe(secret);
  });

  it('refuses a sealed secret that was altered', async () => {
    const sealed = Buffer.from(await sealSecret(newWebhookSecret()), 'base64');
    for (const at of [0, 14, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at]! ^= 0x01;
      await expect(openSecret(tampered.toString('base64'))).rejects.toThrow();
    }
    await expect(openSecret(sealed.subarray(0, 20).toString('base64'))).rejects.toThrow();
  });

  it('refuses a secret sealed under another key', async () => {
    const sealed = await sealSecret(newWebhookSecret());
    vi.stubEnv('WEBHOOK_KEY', Buffer.alloc(32, 7).toString('base64'));
    forgetWebhookKey();
    await expect(openSecret(sealed)).rejects.toThrow();
  });

  it('refuses a webhook key that is not 32 bytes', async () => {
    vi.stubEnv('WEBHOOK_KEY', Buffer.alloc(16, 7).toString('base64'));
    forgetWebhookKey();
    await expect(sealSecret(newWebhookSecret())).rejects.toThrow(/32 bytes/);
  });
});
