/**
 * The Lambda authorizer's verdict as routes used to enforce it (kept for the authorizer's own tests
 * while it is retired; routes now verify tokens themselves: shared/http/handler.ts).
 *
 * The Lambda authorizer answers "who is this token?" (organisation and scopes, or why it is not
 * valid). It always lets the request through with that verdict attached: API Gateway HTTP APIs
 * cannot shape an authorizer's denial, so a denial there would be a bare `{"message":"Forbidden"}`
 * with the wrong status for an unknown token. The first middleware of every route (here) enforces
 * the verdict, so callers always get a problem+json 401/403 — in AWS and locally alike.
 */
import type { Scope } from '../domain/auth.ts';
import { ApiError } from '../errors.ts';
import type { AuthorizerContext } from '../domain/tokens.ts';

export { bearerSecret, generateTokenSecret, hashTokenSecret, TOKEN_PREFIX } from '../domain/auth.ts';
export type { AuthorizerContext };

export type Principal = { orgId: string; tokenId: string; scopes: readonly Scope[] };

/**
 * Enforces the authorizer's verdict for one route: a valid token, of the organisation in the path,
 * holding the route's scope. A token that could not be checked is 503 (retry) or 500, never 401:
 * the caller's token may be perfectly good.
 */
export function requirePrincipal(
  context: Partial<Record<string, unknown>> | undefined,
  pathOrgId: string | undefined,
  accepted: Scope | readonly Scope[],
): Principal {
  if (context?.rejection === 'unavailable') {
    throw new ApiError('unavailable', 'The token could not be checked: the database is busy or unreachable; retry the request shortly.');
  }
  if (context?.rejection === 'error') {
    throw new ApiError('internal', 'The token could not be checked because of an unexpected error. It has been logged.');
  }
  const orgId = typeof context?.org_id === 'string' ? context.org_id : undefined;
  const tokenId = typeof context?.token_id === 'string' ? context.token_id : undefined;
  if (!orgId || !tokenId) {
    throw new ApiError(
      'unauthenticated',
      context?.rejection === 'invalid_token'
        ? 'The bearer token is not valid (unknown, revoked or expired).'
        : 'Send an API token as `Authorization: Bearer <token>`.',
    );
  }
  const scopes = String(context?.scopes ?? '')
    .split(' ')
    .filter(Boolean) as Scope[];
  if (pathOrgId?.toLowerCase() !== orgId) {
    throw new ApiError('forbidden', 'This token does not belong to the organisation in the path.');
  }
  const anyOf = typeof accepted === 'string' ? [accepted] : accepted;
  if (!anyOf.some((s) => scopes.includes(s))) {
    throw new ApiError('forbidden', `This token lacks the ${anyOf.map((s) => `\`${s}\``).join(' or ')} scope this route needs.`);
  }
  return { orgId, tokenId, scopes };
}
