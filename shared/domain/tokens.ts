/**
 * API tokens. A token belongs to one organisation, carries scopes, and is stored only as the
 * SHA-256 of its secret: the secret is shown once, at creation, and cannot be read back.
 */
import { randomUUID } from 'node:crypto';
import { namedTransaction } from '../db/operations.ts';
import { listOrgTokenRecords, putNewToken, readOrgToken, revokeTokenItems, setTokenScopesItems, tokenReadOf, type TokenRecord } from '../db/repositories/tokens.ts';
import type { TokenRead } from '../db/request-gate.ts';
import { nowIso } from '../db/timestamps.ts';
import { ApiError } from '../errors.ts';
import { bearerSecret, generateTokenSecret, hashTokenSecret, identityOf, invalidToken, missingToken, type Identity, type Scope } from './auth.ts';

export const ALL_SCOPES: readonly Scope[] = ['read', 'write', 'admin', 'clinical'];

/** What may be shown of a token after its creation: never the secret, nor its hash. */
export type TokenMetadata = {
  token_id: string;
  label: string;
  scopes: Scope[];
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
};

/** No token of that id in that organisation (or it has expired and been removed). */
export class TokenNotFoundError extends Error {
  override name = 'TokenNotFoundError';
}

/**
 * Two items in one transaction: the token itself, keyed by the secret's hash (what the authorizer
 * reads), and its metadata in the organisation's partition (what listing and revoking use). An
 * expiring token's two items carry the same TTL, so they go together.
 */
export async function createToken(
  orgId: string,
  options: { scopes: readonly Scope[]; label: string; expiresAt?: Date; secret?: string },
): Promise<{ token_id: string; secret: string }> {
  const secret = options.secret ?? generateTokenSecret();
  const tokenId = randomUUID();
  const secretHash = hashTokenSecret(secret);
  const items = putNewToken(secretHash, {
    token_id: tokenId,
    org_id: orgId,
    scopes: [...options.scopes],
    label: options.label,
    created_at: nowIso(),
    ...(options.expiresAt ? { expires_at: Math.floor(options.expiresAt.getTime() / 1000) } : {}),
  });
  await namedTransaction([
    ['token', items.token],
    ['metadata', items.metadata],
  ]).commit();
  return { token_id: tokenId, secret };
}

function toMetadata(record: TokenRecord): TokenMetadata {
  return {
    token_id: record.token_id,
    label: record.label,
    scopes: [...record.scopes] as Scope[],
    created_at: record.created_at,
    // The TTL attribute holds epoch seconds; shown as the ISO instant.
    expires_at: record.expires_at !== undefined ? nowIso(new Date(record.expires_at * 1000)) : null,
    revoked_at: record.revoked_at ?? null,
  };
}

/** The organisation's tokens (revoked and expired ones included, until TTL removes the latter), oldest first. */
export async function listTokens(orgId: string): Promise<TokenMetadata[]> {
  const records = await listOrgTokenRecords(orgId);
  return records.map(toMetadata).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.token_id.localeCompare(b.token_id));
}

/**
 * Revokes a token: `revoked_at` on both of its items, in one transaction. The authorizer reads the
 * token item on every request (no cache), so the next request with it gets 401. Revoking a revoked
 * token changes nothing and returns the first revocation.
 */
export async function revokeToken(orgId: string, tokenId: string, now: Date = new Date()): Promise<TokenMetadata> {
  const record = await readOrgToken(orgId, tokenId);
  if (!record) throw new TokenNotFoundError(`No token ${tokenId} in organisation ${orgId}.`);
  if (record.revoked_at) return toMetadata(record);
  const revokedAt = nowIso(now);
  const items = revokeTokenItems(orgId, tokenId, record.token_hash!, revokedAt);
  const tx = namedTransaction([
    ['metadata', items.metadata],
    ['token', items.token],
  ]);
  try {
    await tx.commit();
  } catch (error) {
    // Revoked concurrently, or removed by TTL (expired) since the read: either way it no longer works.
    if (tx.cancellation(error)) {
      const again = await readOrgToken(orgId, tokenId);
      if (again?.revoked_at) return toMetadata(again);
      throw new TokenNotFoundError(`Token ${tokenId} of organisation ${orgId} has expired and is being removed.`);
    }
    throw error;
  }
  return toMetadata({ ...record, revoked_at: revokedAt });
}

/**
 * Adds scopes to a token (`clinical`, say, to a token that had `read,write`): both of its items, in
 * one transaction conditioned on the scopes read, so a concurrent change is never overwritten. The
 * next request with the token has them (every request reads the token item). Scopes it has already
 * stay; a revoked token is refused.
 */
export async function grantScopes(orgId: string, tokenId: string, scopes: readonly Scope[]): Promise<TokenMetadata> {
  for (let attempt = 1; ; attempt++) {
    const record = await readOrgToken(orgId, tokenId);
    if (!record) throw new TokenNotFoundError(`No token ${tokenId} in organisation ${orgId}.`);
    if (record.revoked_at) throw new TokenNotFoundError(`Token ${tokenId} of organisation ${orgId} is revoked; create a new one.`);
    const granted = ALL_SCOPES.filter((s) => record.scopes.includes(s) || scopes.includes(s));
    if (granted.length === record.scopes.length) return toMetadata(record);
    const items = setTokenScopesItems(orgId, tokenId, record.token_hash!, record.scopes, granted);
    const tx = namedTransaction([
      ['metadata', items.metadata],
      ['token', items.token],
    ]);
    try {
      await tx.commit();
      return toMetadata({ ...record, scopes: granted });
    } catch (error) {
      // Changed (granted, revoked or expired) since the read: read it again, a few times at most.
      if (!tx.cancellation(error) || attempt >= 3) throw error;
    }
  }
}

/** Does a token with this secret exist (and is it usable)? One strongly consistent read, as a request's. */
export async function tokenExists(secret: string): Promise<boolean> {
  const { token, identity } = bearerVerification(`Bearer ${secret}`);
  token?.start();
  try {
    await identity;
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.type === 'unauthenticated') return false;
    throw error;
  }
}

/**
 * A request's verification of its `Authorization: Bearer` header: the token's read, for the request
 * gate to send with the route's first read (or alone), and the identity it will find — or the 401 a
 * missing or malformed header earns at once (then nothing is read). The one way a token is verified:
 * a strongly consistent read by the secret's hash, so a revoked token fails at once; DynamoDB errors
 * go to the caller (a 503 with Retry-After: the token may be perfectly good).
 */
export function bearerVerification(header: string | undefined): { token?: TokenRead; identity: Promise<Identity> } {
  const secret = bearerSecret(header);
  if (!secret) return { identity: Promise.reject(header ? invalidToken() : missingToken()) };
  const { read, record } = tokenReadOf(hashTokenSecret(secret));
  return { token: read, identity: record.then((found) => identityOf(found, new Date())) };
}
