import { describe, expect, it } from 'vitest';
import { bearerSecret, generateTokenSecret, hashTokenSecret, requirePrincipal, TOKEN_PREFIX } from '#shared/http/auth.ts';
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

describe('requirePrincipal', () => {
  const valid = { org_id: ORG, token_id: 't1', scopes: 'read write' };

  it('lets a token of the path organisation with the scope through', () => {
    expect(requirePrincipal(valid, ORG, 'read')).toEqual({ orgId: ORG, tokenId: 't1', scopes: ['read', 'write'] });
    expect(requirePrincipal(valid, ORG.toUpperCase(), 'write').orgId).toBe(ORG);
  });

  it('answers 401 without a valid token', () => {
    expect(statusOf(() => requirePrincipal({ rejection: 'missing_token' }, ORG, 'read'))).toBe(401);
    expect(statusOf(() => requirePrincipal({ rejection: 'invalid_token' }, ORG, 'read'))).toBe(401);
    expect(statusOf(() => requirePrincipal(undefined, ORG, 'read'))).toBe(401);
  });

  it("answers 403 for another organisation's path or a missing scope", () => {
    expect(statusOf(() => requirePrincipal(valid, OTHER, 'read'))).toBe(403);
    expect(statusOf(() => requirePrincipal(valid, undefined, 'read'))).toBe(403);
    expect(statusOf(() => requirePrincipal(valid, ORG, 'admin'))).toBe(403);
  });
});
