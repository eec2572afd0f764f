/**
 * API tokens. A token belongs to one organisation, carries scopes, and is stored only as the
 * SHA-256 of its secret: the secret is shown once, at creation, and cannot be read back.
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { nowIso, queryAll, transactWrite, type Item } from '../db/operations.ts';
import { TTL_ATTRIBUTE } from '../db/table-definition.ts';
import { ApiError } from '../errors.ts';
import { bearerSecret, generateTokenSecret, hashTokenSecret, identityOf, invalidToken, missingToken, type Identity, type Scope } from './auth.ts';

export const ALL_SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

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
  const common = {
    token_id: tokenId,
    org_id: orgId,
    scopes: [...options.scopes],
    label: options.label,
    created_at: nowIso(),
    ...(options.expiresAt ? { [TTL_ATTRIBUTE]: Math.floor(options.expiresAt.getTime() / 1000) } : {}),
  };
  await transactWrite([
    { Put: { TableName: tableName, Item: { ...keys.token(secretHash), entity: 'token', ...common }, ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Put: {
        TableName: tableName,
        Item: { ...keys.orgToken(orgId, tokenId), entity: 'org_token', ...common, token_hash: secretHash },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ]);
  return { token_id: tokenId, secret };
}

function toMetadata(item: Item): TokenMetadata {
  const ttl = item[TTL_ATTRIBUTE] as number | undefined;
  return {
    token_id: item.token_id as string,
    label: item.label as string,
    scopes: item.scopes as Scope[],
    created_at: item.created_at as string,
    // The TTL attribute holds epoch seconds; shown as the ISO instant.
    expires_at: ttl !== undefined ? nowIso(new Date(ttl * 1000)) : null,
    revoked_at: (item.revoked_at as string | undefined) ?? null,
  };
}

/** The organisation's tokens (revoked and expired ones included, until TTL removes the latter), oldest first. */
export async function listTokens(orgId: string): Promise<TokenMetadata[]> {
  const { pk, skPrefix } = keys.orgTokens(orgId);
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': pk, ':p': skPrefix },
  });
  return items.map(toMetadata).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.token_id.localeCompare(b.token_id));
}

/**
 * Revokes a token: `revoked_at` on both of its items, in one transaction. The authorizer reads the
 * token item on every request (no cache), so the next request with it gets 401. Revoking a revoked
 * token changes nothing and returns the first revocation.
 */
export async function revokeToken(orgId: string, tokenId: string, now: Date = new Date()): Promise<TokenMetadata> {
  const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.orgToken(orgId, tokenId), ConsistentRead: true }));
  const item = out.Item;
  if (!item) throw new TokenNotFoundError(`No token ${tokenId} in organisation ${orgId}.`);
  if (item.revoked_at) return toMetadata(item);
  const revokedAt = nowIso(now);
  const update = {
    TableName: tableName,
    UpdateExpression: 'SET revoked_at = :at',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revoked_at)',
    ExpressionAttributeValues: { ':at': revokedAt },
  };
  try {
    await transactWrite([
      { Update: { ...update, Key: keys.orgToken(orgId, tokenId) } },
      { Update: { ...update, Key: keys.token(item.token_hash as string) } },
    ]);
  } catch (error) {
    // Revoked concurrently, or removed by TTL (expired) since the read: either way it no longer works.
    if (error instanceof TransactionCanceledException) {
      const again = await db.send(new GetCommand({ TableName: tableName, Key: keys.orgToken(orgId, tokenId), ConsistentRead: true }));
      if (again.Item?.revoked_at) return toMetadata(again.Item);
      throw new TokenNotFoundError(`Token ${tokenId} of organisation ${orgId} has expired and is being removed.`);
    }
    throw error;
  }
  return toMetadata({ ...item, revoked_at: revokedAt });
}

/** Does a token with this secret exist (and is it usable)? */
export async function tokenExists(secret: string): Promise<boolean> {
  try {
    await verifyBearer(`Bearer ${secret}`);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.type === 'unauthenticated') return false;
    throw error;
  }
}

/**
 * The identity of an `Authorization: Bearer` header: one strongly consistent GetItem by the
 * secret's hash (so a revoked token fails at once), or a 401. DynamoDB errors go to the caller
 * (a 503 with Retry-After: the token may be perfectly good).
 */
export async function verifyBearer(header: string | undefined, now: Date = new Date()): Promise<Identity> {
  const secret = bearerSecret(header);
  if (!secret) throw header ? invalidToken() : missingToken();
  const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.token(hashTokenSecret(secret)), ConsistentRead: true }));
  return identityOf(out.Item, now);
}
