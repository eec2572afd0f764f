/**
 * Who is calling: bearer tokens, verified by the route's own function (there is no Lambda
 * authorizer: it cost a second cold start and a second invocation per request, and API Gateway
 * could not shape its denials as problem+json anyway).
 *
 * A token is 256 random bits shown once; only its SHA-256 is stored, as the key of a `TOKEN#<hash>`
 * item read strongly consistently on every request — so a revoked token fails on its very next
 * request, and there is no cache of tokens to go stale.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from '../errors.ts';
import type { TokenRecord } from '../db/repositories/tokens.ts';

/**
 * `read` for GETs, `write` for patients and appointments, `admin` for the practice setup and the
 * audit trail, `clinical` for clinical notes (and nothing else: a front-desk token without it never
 * sees a note).
 */
export type Scope = 'read' | 'write' | 'admin' | 'clinical';

/** Stands for "the token's own organisation" where a route's path names none (authorize). */
export const TOKEN_ORG: unique symbol = Symbol('the token organisation');

/** Recognisable prefix, so secret scanners can find a leaked token. */
export const TOKEN_PREFIX = 'dbk_';

/**
 * A verified token: its organisation, id, scopes and label (what a clinical note records as its
 * author), and when it expires (epoch seconds; absent for a token that never does).
 */
export type Identity = { orgId: string; tokenId: string; scopes: readonly Scope[]; label: string; expiresAt?: number };

export function generateTokenSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Tokens are 256 random bits, so a plain SHA-256 is a safe one-way store (no slow hash needed). */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The secret of an `Authorization: Bearer <secret>` header, or undefined. */
export function bearerSecret(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  const secret = match?.[1];
  return secret && secret.startsWith(TOKEN_PREFIX) && secret.length <= 200 ? secret : undefined;
}

export const missingToken = () => new ApiError('unauthenticated', 'Send an API token as `Authorization: Bearer <token>`.');
export const invalidToken = () => new ApiError('unauthenticated', 'The bearer token is not valid (unknown, revoked or expired).');

/** Pure: the identity a token item grants at `now`, or the 401 it earns. */
export function identityOf(token: Pick<TokenRecord, 'org_id' | 'token_id' | 'scopes' | 'label' | 'expires_at' | 'revoked_at'> | undefined, now: Date): Identity {
  if (!token || token.revoked_at) throw invalidToken();
  const expiresAt = token.expires_at;
  if (expiresAt !== undefined && expiresAt * 1000 <= now.getTime()) throw invalidToken();
  return { orgId: token.org_id, tokenId: token.token_id, scopes: token.scopes as Scope[], label: token.label, ...(expiresAt !== undefined ? { expiresAt } : {}) };
}

/**
 * Pure: may this identity use a route of `pathOrgId` that any of `accepted` scopes admits? (403 if
 * not.) `pathOrgId` is `TOKEN_ORG` for a route whose path names no organisation (whoami): the
 * organisation is then the token's own, and only the scopes are checked.
 */
export function authorize(identity: Identity, pathOrgId: string | undefined | typeof TOKEN_ORG, accepted: Scope | readonly Scope[]): Identity {
  if (pathOrgId !== TOKEN_ORG && pathOrgId?.toLowerCase() !== identity.orgId) {
    throw new ApiError('forbidden', 'This token does not belong to the organisation in the path.');
  }
  const anyOf = typeof accepted === 'string' ? [accepted] : accepted;
  if (!anyOf.some((s) => identity.scopes.includes(s))) {
    throw new ApiError('forbidden', `This token lacks the ${anyOf.map((s) => `\`${s}\``).join(' or ')} scope this route needs.`);
  }
  return identity;
}
