/**
 * The pure rules of the webhook admin routes: which URLs may be targets (by their text, in AWS and in
 * local mode), what a rotation keeps, what a change clears, and that an endpoint as shown carries no
 * secret.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import type { StoredSecret, WebhookEndpointRecord } from '#shared/webhooks/model.ts';
import type * as WebhookDomain from '#shared/domain/webhooks.ts';

type Domain = typeof WebhookDomain;
let checkWebhookUrl: Domain['checkWebhookUrl'];
let hostKind: Domain['hostKind'];
let MAX_SECRETS: Domain['MAX_SECRETS'];
let planEndpointChange: Domain['planEndpointChange'];
let rotatedSecrets: Domain['rotatedSecrets'];
let targetProblems: Domain['targetProblems'];
let toWebhookEndpoint: Domain['toWebhookEndpoint'];

beforeAll(async () => {
  // The module makes the DynamoDB client at load (no request is sent here): it needs a table name.
  vi.stubEnv('TABLE_NAME', 'unit-test');
  ({ checkWebhookUrl, hostKind, MAX_SECRETS, planEndpointChange, rotatedSecrets, targetProblems, toWebhookEndpoint } = await import('#shared/domain/webhooks.ts'));
  vi.unstubAllEnvs();
});

const record = (overrides: Partial<WebhookEndpointRecord> = {}): WebhookEndpointRecord => ({
  pk: 'p',
  sk: 's',
  entity: 'webhook-endpoint',
  uuid: '5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c',
  org_id: '0d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6',
  url: 'https://hooks.example.com/x',
  event_types: ['*'],
  description: null,
  active: true,
  disabled_reason: null,
  disabled_at: null,
  failing_since: null,
  secrets: [{ sealed: 'SEALED-CURRENT', created_at: '2026-01-01T00:00:00Z', expires_at: null }],
  version: 4,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  ...overrides,
});

describe('webhook target URLs', () => {
  it('knows loopback, forbidden and public hosts however an address is written (as the URL parser writes it)', () => {
    const kindOf = (url: string) => hostKind(new URL(url).hostname);
    for (const url of ['https://127.0.0.1', 'https://127.9.9.9', 'https://2130706433', 'https://0x7f.1', 'https://0177.0.0.1', 'https://[::1]', 'https://localhost', 'https://LOCALHOST.', 'https://a.localhost', 'https://[::ffff:127.0.0.1]']) {
      expect(kindOf(url), url).toBe('loopback');
    }
    for (const url of [
      'https://10.0.0.1',
      'https://172.31.255.255',
      'https://192.168.0.1',
      'https://169.254.169.254',
      'https://100.64.0.1',
      'https://0.0.0.0',
      'https://224.0.0.1',
      'https://255.255.255.255',
      'https://[fe80::1]',
      'https://[fd12:3456::1]',
      'https://[::]',
      'https://[::ffff:10.0.0.1]',
      'https://[::ffff:a9fe:a9fe]',
      'https://[64:ff9b::a9fe:a9fe]',
    ]) {
      expect(kindOf(url), url).toBe('forbidden');
    }
    for (const url of ['https://hooks.example.com', 'https://8.8.8.8', 'https://172.32.0.1', 'https://[2606:4700::1111]', 'https://[::ffff:8.8.8.8]']) expect(kindOf(url), url).toBe('public');
  });

  it('in AWS: https to a public host only, no credentials, no fragment; stored in the parser’s normal form', () => {
    expect(checkWebhookUrl('https://Hooks.Example.COM:443/a/../b?q=1', false)).toEqual({ url: 'https://hooks.example.com/b?q=1' });
    for (const bad of ['http://hooks.example.com', 'https://u:p@hooks.example.com', 'https://u@hooks.example.com', 'https://hooks.example.com/#x', 'https://hooks.example.com/#', 'ftp://hooks.example.com', 'https://127.0.0.1', 'http://localhost:3000', 'https://[::1]', 'https://10.0.0.1', 'hooks.example.com', '//hooks.example.com']) {
      expect(checkWebhookUrl(bad, false), bad).toEqual({ problem: expect.any(String) });
    }
  });

  it('in local mode: http too, but only to this machine; private addresses stay refused', () => {
    for (const fine of ['http://127.0.0.1:4000/x', 'http://localhost:4000/x', 'http://[::1]:4000/x', 'https://127.0.0.1/x', 'https://hooks.example.com']) expect(checkWebhookUrl(fine, true), fine).toHaveProperty('url');
    for (const bad of ['http://hooks.example.com', 'http://10.0.0.1', 'https://192.168.1.1', 'http://169.254.169.254']) expect(checkWebhookUrl(bad, true), bad).toHaveProperty('problem');
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.boolean(), (text, local) => {
        const out = checkWebhookUrl(`https://${text}`, local);
        expect('url' in out || 'problem' in out).toBe(true);
      }),
    );
  });

  it('names each unknown event type by its place, and the URL', () => {
    expect(targetProblems({ url: 'http://hooks.example.com', event_types: ['appointment.*', 'invoice.paid', '*', 'webhook.test', 'schedule.*', 'x.*'] }, false)).toEqual([
      { path: 'body.url', message: expect.any(String) },
      { path: 'body.event_types.1', message: 'names no known event type' },
      { path: 'body.event_types.5', message: 'names no known event type' },
    ]);
    expect(targetProblems({}, false)).toEqual([]);
  });
});

describe('rotation', () => {
  const now = new Date('2026-02-01T12:00:00Z');
  const secret = (sealed: string, expires_at: string | null): StoredSecret => ({ sealed, created_at: '2026-01-01T00:00:00Z', expires_at });

  it('puts the new secret first and keeps the current one 24 hours more', () => {
    const { secrets, previousExpiresAt } = rotatedSecrets([secret('A', null)], 'B', now);
    expect(previousExpiresAt).toBe('2026-02-02T12:00:00Z');
    expect(secrets).toEqual([
      { sealed: 'B', created_at: '2026-02-01T12:00:00Z', expires_at: null },
      { sealed: 'A', created_at: '2026-01-01T00:00:00Z', expires_at: '2026-02-02T12:00:00Z' },
    ]);
  });

  it('drops expired secrets, keeps earlier ones until their own expiry, and never more than MAX_SECRETS', () => {
    const { secrets } = rotatedSecrets([secret('C', null), secret('B', '2026-02-01T20:00:00Z'), secret('A', '2026-02-01T11:59:59Z')], 'D', now);
    expect(secrets.map((s) => [s.sealed, s.expires_at])).toEqual([
      ['D', null],
      ['C', '2026-02-02T12:00:00Z'],
      ['B', '2026-02-01T20:00:00Z'],
    ]);
    const many = rotatedSecrets([secret('E', null), secret('D', '2026-02-02T00:00:00Z'), secret('C', '2026-02-02T00:00:00Z'), secret('B', '2026-02-02T00:00:00Z')], 'F', now);
    expect(many.secrets.map((s) => s.sealed)).toEqual(['F', 'E', 'D']);
    expect(many.secrets).toHaveLength(MAX_SECRETS);
  });
});

describe('changing an endpoint', () => {
  const now = '2026-02-01T12:00:00Z';

  it('writes the next version; reactivating clears why the system disabled it', () => {
    const disabled = record({ active: false, disabled_reason: 'failing', disabled_at: '2026-01-31T00:00:00Z', failing_since: '2026-01-28T00:00:00Z' });
    expect(planEndpointChange(disabled, { active: true }, now)).toEqual({ ...disabled, active: true, disabled_reason: null, disabled_at: null, failing_since: null, version: 5, updated_at: now });
  });

  it('pausing records when, with no reason; a paused one keeps its first date', () => {
    const paused = planEndpointChange(record(), { active: false }, now);
    expect(paused).toMatchObject({ active: false, disabled_reason: null, disabled_at: now });
    expect(planEndpointChange(paused, { active: false }, '2026-03-01T00:00:00Z').disabled_at).toBe(now);
  });

  it('a new URL starts the failure clock afresh; other fields leave it', () => {
    const failing = record({ failing_since: '2026-01-30T00:00:00Z' });
    expect(planEndpointChange(failing, { url: 'https://new.example.com/' }, now).failing_since).toBeNull();
    expect(planEndpointChange(failing, { description: 'x', event_types: ['a.*', 'a.*', 'b.c'] }, now)).toMatchObject({ failing_since: '2026-01-30T00:00:00Z', description: 'x', event_types: ['a.*', 'b.c'] });
  });
});

describe('an endpoint as shown', () => {
  it('carries no secret, sealed or not, and says when it was rotated and until when the previous secret signs', () => {
    const fresh = toWebhookEndpoint(record(), new Date('2026-02-01T00:00:00Z'));
    expect(JSON.stringify(fresh)).not.toMatch(/SEALED|secrets/);
    expect(fresh).toMatchObject({ secret_rotated_at: null, previous_secret_expires_at: null });
    const rotated = record({
      secrets: [
        { sealed: 'SEALED-NEW', created_at: '2026-01-01T00:00:00Z', expires_at: null },
        { sealed: 'SEALED-OLD', created_at: '2026-01-01T00:00:00Z', expires_at: '2026-01-02T00:00:00Z' },
      ],
    });
    const during = toWebhookEndpoint(rotated, new Date('2026-01-01T12:00:00Z'));
    expect(during).toMatchObject({ secret_rotated_at: '2026-01-01T00:00:00Z', previous_secret_expires_at: '2026-01-02T00:00:00Z' });
    expect(JSON.stringify(during)).not.toContain('SEALED');
    expect(toWebhookEndpoint(rotated, new Date('2026-01-03T00:00:00Z')).previous_secret_expires_at).toBeNull();
  });
});
