/**
 * Who a request is, as the HTTP layer hands it to a route: the organisation in the path and, once
 * the token is verified (shared/domain/auth.ts, with the route's first read), its id and scopes.
 */
import type { Scope } from '../domain/auth.ts';

export { bearerSecret, generateTokenSecret, hashTokenSecret, TOKEN_PREFIX } from '../domain/auth.ts';

export type Principal = {
  orgId: string;
  tokenId: string;
  scopes: readonly Scope[];
  /** The token's label and expiry (epoch seconds; undefined if it never expires), once verified. */
  tokenLabel: string;
  tokenExpiresAt: number | undefined;
};
