/**
 * Who the caller is: the verified token's organisation and metadata. Access pattern: the org item
 * (`ORG#o` / `ORG`) for its name, one GetItem — read once the token is verified, since the token is
 * what names the organisation (two stages: the token, then the org).
 */
import { readOrg } from '../db/repositories/orgs.ts';
import { whenVerified } from '../db/request-gate.ts';
import { nowIso } from '../db/timestamps.ts';
import type { Identity } from './auth.ts';
import type { WhoAmI } from '../schemas/whoami.ts';

/** The caller as the handler hands it over once verified (its principal): the token's organisation and metadata. */
export type Caller = { orgId: string; tokenId: string; scopes: Identity['scopes']; tokenLabel: string; tokenExpiresAt: number | undefined };

export async function whoami(principal: Caller): Promise<WhoAmI> {
  await whenVerified();
  const org = await readOrg(principal.orgId);
  const expiresAt = principal.tokenExpiresAt;
  return {
    org_id: principal.orgId,
    organization: { name: org?.name ?? null },
    token: {
      id: principal.tokenId,
      label: principal.tokenLabel,
      scopes: [...principal.scopes],
      expires_at: expiresAt === undefined ? null : nowIso(new Date(expiresAt * 1000)),
    },
  };
}
