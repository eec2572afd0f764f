/**
 * API tokens. A token belongs to one organisation, carries scopes, and is stored only as the
 * SHA-256 of its secret: the secret is shown once, at creation, and cannot be read back.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../db/client.ts';
import { keys } from '../db/keys.ts';
import { nowIso } from '../db/operations.ts';
import { TTL_ATTRIBUTE } from '../db/table-definition.ts';
import type { Scope } from '../routes.ts';
import { bearerSecret, generateTokenSecret, hashTokenSecret, type AuthorizerContext } from '../http/auth.ts';

export const ALL_SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

export async function createToken(
  orgId: string,
  options: { scopes: readonly Scope[]; label: string; expiresAt?: Date; secret?: string },
): Promise<{ token_id: string; secret: string }> {
  const secret = options.secret ?? generateTokenSecret();
  const tokenId = randomUUID();
  await db.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...keys.token(hashTokenSecret(secret)),
        entity: 'token',
        token_id: tokenId,
        org_id: orgId,
        scopes: [...options.scopes],
        label: options.label,
        created_at: nowIso(),
        ...(options.expiresAt ? { [TTL_ATTRIBUTE]: Math.floor(options.expiresAt.getTime() / 1000) } : {}),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { token_id: tokenId, secret };
}

/** Does a token with this secret exist (and is it usable)? */
export async function tokenExists(secret: string): Promise<boolean> {
  return 'org_id' in (await authorizeBearer(`Bearer ${secret}`));
}

/**
 * The authorizer's verdict for an `Authorization` header: the token's organisation and scopes, or
 * why there is none. One GetItem by hash; an expired token is refused even before TTL removes it.
 */
export async function authorizeBearer(header: string | undefined, now: Date = new Date()): Promise<AuthorizerContext> {
  const secret = bearerSecret(header);
  if (!secret) return { rejection: header ? 'invalid_token' : 'missing_token' };
  const out = await db.send(new GetCommand({ TableName: tableName, Key: keys.token(hashTokenSecret(secret)) }));
  const item = out.Item;
  if (!item || item.revoked_at) return { rejection: 'invalid_token' };
  const expiresAt = item[TTL_ATTRIBUTE] as number | undefined;
  if (expiresAt !== undefined && expiresAt * 1000 <= now.getTime()) return { rejection: 'invalid_token' };
  return { org_id: item.org_id as string, token_id: item.token_id as string, scopes: (item.scopes as string[]).join(' ') };
}
