/**
 * API tokens: the token item keyed by the secret's hash (`TOKEN#<sha-256>`, what a request's
 * verification reads), and its metadata in the organisation's partition (`TOKEN#<id>`, what listing
 * and revoking use). Both carry the same fields and TTL, and are written and revoked together.
 */
import { tableName } from '../client.ts';
import { keys } from '../keys.ts';
import { getOne, queryPrefix, type Item, type TransactItem } from '../operations.ts';
import { TTL_ATTRIBUTE } from '../table-definition.ts';
import { updateExpression } from '../update-expression.ts';
import { TokenRead } from '../request-gate.ts';

export type TokenRecord = {
  token_id: string;
  org_id: string;
  scopes: readonly string[];
  label: string;
  created_at: string;
  /** Epoch seconds (the TTL attribute); absent for a token that never expires. */
  expires_at?: number;
  revoked_at?: string;
  /** On the org's metadata item: the hash that keys the token item. */
  token_hash?: string;
};

export function toTokenRecord(item: Item): TokenRecord {
  const ttl = item[TTL_ATTRIBUTE];
  return {
    token_id: item.token_id as string,
    org_id: item.org_id as string,
    scopes: item.scopes as string[],
    label: item.label as string,
    created_at: item.created_at as string,
    ...(typeof ttl === 'number' ? { expires_at: ttl } : {}),
    ...(typeof item.revoked_at === 'string' ? { revoked_at: item.revoked_at } : {}),
    ...(typeof item.token_hash === 'string' ? { token_hash: item.token_hash } : {}),
  };
}

/**
 * The token of a secret's hash as a request verifies it: one strongly consistent read that the
 * request gate sends in the route's first batch read, or alone (request-gate.ts).
 */
export function tokenReadOf(secretHash: string): { read: TokenRead; record: Promise<TokenRecord | undefined> } {
  const key = keys.token(secretHash);
  const read = new TokenRead(key, () => getOne(key));
  return { read, record: read.item.then((item) => item && toTokenRecord(item)) };
}

/** A token's metadata in its organisation (strongly consistent). */
export async function readOrgToken(orgId: string, tokenId: string): Promise<TokenRecord | undefined> {
  const item = await getOne(keys.orgToken(orgId, tokenId));
  return item && toTokenRecord(item);
}

/** The organisation's tokens' metadata: one Query. */
export async function listOrgTokenRecords(orgId: string): Promise<TokenRecord[]> {
  return (await queryPrefix(keys.orgTokens(orgId))).map(toTokenRecord);
}

/** The two Puts of a new token: its item under the secret's hash and its metadata in the org. */
export function putNewToken(secretHash: string, token: Omit<TokenRecord, 'token_hash' | 'revoked_at'>): { token: TransactItem; metadata: TransactItem } {
  const { expires_at, ...rest } = token;
  const common = { ...rest, scopes: [...token.scopes], ...(expires_at !== undefined ? { [TTL_ATTRIBUTE]: expires_at } : {}) };
  return {
    token: { Put: { TableName: tableName, Item: { ...keys.token(secretHash), entity: 'token', ...common }, ConditionExpression: 'attribute_not_exists(pk)' } },
    metadata: {
      Put: {
        TableName: tableName,
        Item: { ...keys.orgToken(token.org_id, token.token_id), entity: 'org_token', ...common, token_hash: secretHash },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/** The two Updates revoking a token (each on condition that it exists and is not revoked yet). */
export function revokeTokenItems(orgId: string, tokenId: string, secretHash: string, revokedAt: string): { metadata: TransactItem; token: TransactItem } {
  const update = {
    TableName: tableName,
    ...updateExpression({}, { set: ['revoked_at = :at'], values: { ':at': revokedAt } }),
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revoked_at)',
  };
  return { metadata: { Update: { ...update, Key: keys.orgToken(orgId, tokenId) } }, token: { Update: { ...update, Key: keys.token(secretHash) } } };
}

/**
 * The two Updates setting a token's scopes, each on condition that the token exists, is not revoked
 * and still has the scopes read (`seen`): a concurrent grant or revocation cancels the transaction.
 */
export function setTokenScopesItems(orgId: string, tokenId: string, secretHash: string, seen: readonly string[], scopes: readonly string[]): { metadata: TransactItem; token: TransactItem } {
  const update = {
    TableName: tableName,
    UpdateExpression: 'SET scopes = :scopes',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revoked_at) AND scopes = :seen',
    ExpressionAttributeValues: { ':scopes': [...scopes], ':seen': [...seen] },
  };
  return { metadata: { Update: { ...update, Key: keys.orgToken(orgId, tokenId) } }, token: { Update: { ...update, Key: keys.token(secretHash) } } };
}
