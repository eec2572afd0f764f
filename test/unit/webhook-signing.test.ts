/** Standard Webhooks signatures, checked by the reference implementation (the `standardwebhooks` package). */
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { signature, signatureHeaders } from '#shared/webhooks/signing.ts';
import { newWebhookSecret } from '#shared/webhooks/secret-box.ts';

const body = JSON.stringify({ id: 'evt_01JZ0000000000000000000000', type: 'appointment.booked', timestamp: '2026-12-01T10:00:00.000Z', org_id: 'o', data: { appointment_uuid: 'a', status: 'scheduled' } });

describe('webhook signing', () => {
  it('matches the Standard Webhooks test vector', () => {
    // The specification's own example (standard-webhooks/spec): secret, id, timestamp, payload → signature.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const payload = '{"test": 2432232314}';
    expect(signature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, payload)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    expect(new Webhook(secret).sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), payload)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs headers the reference implementation verifies, and a changed body or id does not', () => {
    const secret = newWebhookSecret();
    const now = new Date();
    const headers = signatureHeaders({ id: 'evt_1', timestamp: now, body, secrets: [secret] });
    expect(headers['webhook-id']).toBe('evt_1');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('scheduled', 'cancelled'), headers)).toThrow(/signature/i);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_2' })).toThrow(/signature/i);
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow(/signature/i);
  });

  it('during a rotation, signs with both secrets: each alone verifies', () => {
    const [fresh, old] = [newWebhookSecret(), newWebhookSecret()];
    const headers = signatureHeaders({ id: 'evt_1', timestamp: new Date(), body, secrets: [fresh, old] });
    const parts = headers['webhook-signature'].split(' ');
    expect(parts).toHaveLength(2);
    expect(parts.every((p) => p.startsWith('v1,'))).toBe(true);
    expect(new Webhook(fresh).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(old).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow(/signature/i);
    expect(() => new Webhook(old).verify(`${body} `, headers)).toThrow(/signature/i);
  });

  it('refuses to sign with no secret', () => {
    expect(() => signatureHeaders({ id: 'evt_1', timestamp: new Date(), body, secrets: [] })).toThrow();
  });
});
