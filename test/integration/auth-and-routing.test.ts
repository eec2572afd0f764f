import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClinic, type TestClinic } from '../helpers/clinic.ts';
import { client } from '../helpers/local-api.ts';
import { useLocalApi } from '../helpers/use-clinic.ts';
import { createToken } from '#shared/domain/tokens.ts';
import { routeList } from '#shared/routes.ts';

const api = useLocalApi();
let a: TestClinic;
let b: TestClinic;

beforeAll(async () => {
  [a, b] = await Promise.all([createTestClinic(), createTestClinic()]);
});

/** A concrete request for every route of the table, on org A's path with A's ids. */
function requestsFor(clinic: TestClinic) {
  return routeList.filter((route) => route.scope !== 'public').map((route) => {
    const path = route.path
      .replace('{org_id}', clinic.orgId)
      .replace('{patient_uuid}', clinic.patients.jane.uuid)
      .replace('{appointment_uuid}', clinic.patients.jane.uuid);
    const query = route.name === 'searchPatients' ? '?query=smith' : '';
    const body = route.method === 'POST' ? { first_name: 'X' } : undefined;
    return { route, url: `${path}${query}`, body };
  });
}

describe('authentication', () => {
  it('answers 401 problem+json on every route without a token or with an unknown one', async () => {
    const http = client(api.baseUrl);
    for (const { route, url, body } of requestsFor(a)) {
      for (const token of [null, 'dbk_unknown-token', 'not-even-our-format']) {
        const res = await http.call(route.method, url, { token, body });
        expect(res.status, `${route.name} ${token}`).toBe(401);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(res.body).toMatchObject({ status: 401, title: expect.any(String), detail: expect.any(String), type: expect.stringContaining('unauthenticated') });
      }
    }
  });

  it("answers 403 with no data when one organisation's token is used on another's path", async () => {
    const http = client(api.baseUrl, b.token);
    // whoami names no organisation: it answers the token's own (isolation.test.ts checks it gives nothing of another's).
    for (const { route, url, body } of requestsFor(a).filter(({ route }) => route.org !== 'token')) {
      const res = await http.call(route.method, url, { body });
      expect(res.status, route.name).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain('Smith');
    }
  });

  it("cannot reach another organisation's records by naming their uuids on its own path", async () => {
    const http = client(api.baseUrl, b.token);
    const res = await http.get(`/api/v1/${b.orgId}/patients/${a.patients.jane.uuid}`);
    expect(res.status).toBe(404);
  });

  it('refuses expired tokens', async () => {
    const expired = await createToken(a.orgId, { scopes: ['read'], label: 'expired', expiresAt: new Date(Date.now() - 1000) });
    const res = await client(api.baseUrl, expired.secret).get(`/api/v1/${a.orgId}/appointment-types`);
    expect(res.status).toBe(401);
  });
});

describe('routing', () => {
  it('answers unknown paths with 404 and a wrong method with 405, as problem+json', async () => {
    const http = client(api.baseUrl, a.token);
    const missing = await http.get(`/api/v1/${a.orgId}/nothing-here`, { contract: false });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    const wrongMethod = await http.call('DELETE', `/api/v1/${a.orgId}/patients`, { contract: false });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST');
  });

  it('answers a malformed org id in the path with 403, never a 500', async () => {
    const res = await client(api.baseUrl, a.token).get('/api/v1/not-a-uuid/appointment-types');
    expect(res.status).toBe(403);
  });
});

describe('GET /appointment-types', () => {
  it('lists every type, or only active ones with is_active=true, as the guide', async () => {
    const http = client(api.baseUrl, a.token);
    const all = await http.get(`/api/v1/${a.orgId}/appointment-types`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    const active = await http.get(`/api/v1/${a.orgId}/appointment-types?is_active=true`);
    expect(active.body).toEqual({
      items: [
        { uuid: a.types.cleaning.uuid, code: 'HYG', name: 'Hygiene / Cleaning', duration_minutes: 45, color: '#059669', requires_exam: false, is_active: true },
        { uuid: a.types.exam.uuid, code: 'NPE', name: 'New Patient Exam', duration_minutes: 60, color: '#4f46e5', requires_exam: true, is_active: true },
      ],
      total: 2,
    });
    const archived = await http.get(`/api/v1/${a.orgId}/appointment-types?is_active=false`);
    expect(archived.body.items.map((t: any) => t.code)).toEqual(['OLD']);
    const bad = await http.get(`/api/v1/${a.orgId}/appointment-types?is_active=yes`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.is_active');
  });
});
