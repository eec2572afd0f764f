/**
 * `GET /api/v1/whoami`: any valid token, whatever its scopes, learns its organisation and its own
 * metadata (never its secret or hash); anything else is a 401.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClinic, type TestClinic } from '../helpers/clinic.ts';
import { client } from '../helpers/local-api.ts';
import { useLocalApi } from '../helpers/use-clinic.ts';
import { createToken, revokeToken } from '#shared/domain/tokens.ts';
import { hashTokenSecret } from '#shared/domain/auth.ts';
import { routes } from '#shared/routes.ts';

const api = useLocalApi();
const path = routes.whoami.path;
let clinic: TestClinic;

beforeAll(async () => {
  clinic = await createTestClinic();
});

describe('whoami', () => {
  it.each([['read'], ['write'], ['admin'], ['clinical']] as const)('answers a token with only the %s scope', async (scope) => {
    const { token_id, secret } = await createToken(clinic.orgId, { scopes: [scope], label: `desk: ${scope} only` });
    const res = await client(api.baseUrl, secret).get(path);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      org_id: clinic.orgId,
      organization: { name: clinic.org.name },
      token: { id: token_id, label: `desk: ${scope} only`, scopes: [scope], expires_at: null },
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(hashTokenSecret(secret));
  });

  it('shows when an expiring token stops working, as a UTC instant', async () => {
    const expiresAt = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    const { secret } = await createToken(clinic.orgId, { scopes: ['read', 'write'], label: 'desk: Maria', expiresAt });
    const res = await client(api.baseUrl, secret).get(path);
    expect(res.status).toBe(200);
    expect(res.body.token.label).toBe('desk: Maria');
    expect(res.body.token.scopes).toEqual(['read', 'write']);
    // Stored in whole seconds (the TTL attribute), shown as the API shows instants.
    expect(res.body.token.expires_at).toBe(new Date(Math.floor(expiresAt.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
  });

  it('answers 401 problem+json without a token, with an unknown, malformed, revoked or expired one', async () => {
    const revoked = await createToken(clinic.orgId, { scopes: ['read'], label: 'revoked' });
    await revokeToken(clinic.orgId, revoked.token_id);
    const expired = await createToken(clinic.orgId, { scopes: ['read'], label: 'expired', expiresAt: new Date(Date.now() - 1000) });
    const http = client(api.baseUrl);
    for (const token of [null, 'dbk_unknown-token', 'not-our-format', revoked.secret, expired.secret]) {
      const res = await http.get(path, { token });
      expect(res.status, String(token)).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(JSON.stringify(res.body)).not.toContain(clinic.orgId);
    }
  });

  it('takes no organisation in the path: one under an org id is no route', async () => {
    const res = await client(api.baseUrl, clinic.token).get(`/api/v1/${clinic.orgId}/whoami`, { contract: false });
    expect(res.status).toBe(404);
  });
});
