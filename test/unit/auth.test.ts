import { describe, expect, it } from 'vitest';
import { authorize, bearerSecret, generateTokenSecret, hashTokenSecret, identityOf, TOKEN_PREFIX } from '#shared/domain/auth.ts';
import { ApiError } from '#shared/errors.ts';

const ORG = '0d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6';
const OTHER = '11111111-2222-4333-8444-555555555555';

function statusOf(fn: () => unknown): number {
  try {
    fn();
    return 0;
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
}

describe('token secrets', () => {
  it('carry a recognisable prefix and 256 random bits, and hash one-way', () => {
    const a = generateTokenSecret();
    const b = generateTokenSecret();
    expect(a.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice(TOKEN_PREFIX.length), 'base64url')).toHaveLength(32);
    expect(hashTokenSecret(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashTokenSecret(a)).not.toContain(a.slice(TOKEN_PREFIX.length));
  });

  it('are read only from a well-formed Bearer header', () => {
    expect(bearerSecret('Bearer dbk_abc')).toBe('dbk_abc');
    expect(bearerSecret('bearer   dbk_abc ')).toBe('dbk_abc');
    expect(bearerSecret('Basic dbk_abc')).toBeUndefined();
    expect(bearerSecret('Bearer other_abc')).toBeUndefined();
    expect(bearerSecret(undefined)).toBeUndefined();
  });
});

describe('identityOf and authorize (what the route checks once the token item is read)', () => {
  const item = { org_id: ORG, token_id: 't1', scopes: ['read', 'write'], label: 'front desk' };
  const now = new Date('2027-01-01T00:00:00Z');

  it('lets a token of the path organisation with the scope through', () => {
    expect(authorize(identityOf(item, now), ORG, 'read')).toEqual({ orgId: ORG, tokenId: 't1', scopes: ['read', 'write'], label: 'front desk' });
    expect(authorize(identityOf(item, now), ORG.toUpperCase(), 'write').orgId).toBe(ORG);
    expect(authorize(identityOf(item, now), ORG, ['admin', 'write']).tokenId).toBe('t1');
  });

  it('answers 401 without a valid token: none, revoked, expired', () => {
    expect(statusOf(() => identityOf(undefined, now))).toBe(401);
    expect(statusOf(() => identityOf({ ...item, revoked_at: '2026-12-01T00:00:00Z' }, now))).toBe(401);
    expect(statusOf(() => identityOf({ ...item, expires_at: now.getTime() / 1000 }, now))).toBe(401);
    expect(statusOf(() => identityOf({ ...item, expires_at: now.getTime() / 1000 + 1 }, now))).toBe(0);
  });

  it("answers 403 for another organisation's path or a missing scope", () => {
    expect(statusOf(() => authorize(identityOf(item, now), OTHER, 'read'))).toBe(403);
    expect(statusOf(() => authorize(identityOf(item, now), undefined, 'read'))).toBe(403);
    expect(statusOf(() => authorize(identityOf(item, now), ORG, 'admin'))).toBe(403);
    // Clinical notes take `clinical` alone: read and write together do not reach them.
    expect(statusOf(() => authorize(identityOf(item, now), ORG, ['clinical']))).toBe(403);
    expect(statusOf(() => authorize(identityOf({ ...item, scopes: ['clinical'] }, now), ORG, ['clinical']))).toBe(0);
    expect(statusOf(() => authorize(identityOf({ ...item, scopes: ['clinical'] }, now), ORG, ['write']))).toBe(403);
  });
});
