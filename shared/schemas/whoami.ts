/** Schemas of `GET /api/v1/whoami`: who a token is, as the token itself may see it. */
import * as z from 'zod/mini';

const Scope = z.enum(['read', 'write', 'admin', 'clinical']);

/** The calling token's organisation and metadata: never its secret, nor its hash. */
export const WhoAmI = z.object({
  org_id: z.string().check(z.describe('The organisation the token belongs to: the `{org_id}` of every other route.')),
  organization: z.object({
    name: z.nullable(z.string()).check(z.describe('The practice name from its settings (null if the organisation has no settings item).')),
  }),
  token: z.object({
    id: z.string().check(z.describe('The token id (what `npm run admin -- revoke-token` takes).')),
    label: z.string().check(z.describe('Who or what the token is for, e.g. `desk: Maria`; recorded in the audit trail.')),
    scopes: z.array(Scope),
    expires_at: z.nullable(z.string().check(z.describe('When the token stops working (UTC instant), or null if it never expires.'))),
  }),
});
export type WhoAmI = z.infer<typeof WhoAmI>;
