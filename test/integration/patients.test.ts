import { beforeAll, describe, expect, it } from 'vitest';
import { createTestClinic, tokenFor, type TestClinic } from '../helpers/clinic.ts';
import { client } from '../helpers/local-api.ts';
import { useClinic, type Client, type LocalApi } from '../helpers/use-clinic.ts';
import { createPatient } from '#shared/domain/patients.ts';

const fixture = useClinic();
let api: LocalApi;
let clinic: TestClinic;
let http: Client;
let base: string;

beforeAll(async () => {
  ({ api, clinic, http, base } = fixture);
  const more = [
    ['Mary Ann', 'Smith-Jones', '1990-01-01'],
    ['José', "O'Brien", '1980-02-02'],
    ['Smitty', 'Werbenjagermanjensen', '1999-03-03'],
    ['Anna', 'Adams', '1970-04-04'],
  ] as const;
  for (const [first_name, last_name, date_of_birth] of more) await createPatient(clinic.orgId, { first_name, last_name, date_of_birth });
});

const names = (body: any) => body.items.map((p: any) => `${p.first_name} ${p.last_name}`);

describe('GET /patients (search)', () => {
  it("answers the guide's request with the guide's shape", async () => {
    // A clinic with only the guide's two Smiths (the shared one also has a Smith-Jones).
    const guide = await createTestClinic();
    const res = await client(api.baseUrl, guide.token).get(`/api/v1/${guide.orgId}/patients?query=Smith&page=1&page_size=5`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toEqual({
      items: [
        {
          uuid: guide.patients.jane.uuid,
          first_name: 'Jane',
          last_name: 'Smith',
          date_of_birth: '1986-04-12',
          primary_phone: '+1-415-555-0148',
          email: 'jane.smith@example.com',
          preferred_provider_uuid: guide.dentist.uuid,
          is_active: true,
          archived_at: null,
        },
        {
          uuid: guide.patients.jonathan.uuid,
          first_name: 'Jonathan',
          last_name: 'Smith',
          date_of_birth: '1972-11-30',
          primary_phone: null,
          email: null,
          preferred_provider_uuid: null,
          is_active: true,
          archived_at: null,
        },
      ],
      page: 1,
      page_size: 5,
      total: 2,
    });
  });

  it('matches name prefixes case-insensitively across first and last name', async () => {
    expect(names((await http.get(`${base}/patients?query=SMI`)).body)).toEqual(['Jane Smith', 'Jonathan Smith', 'Mary Ann Smith-Jones', 'Smitty Werbenjagermanjensen']);
    expect(names((await http.get(`${base}/patients?query=jan%20smi`)).body)).toEqual(['Jane Smith']);
    expect(names((await http.get(`${base}/patients?query=smith%20jo`)).body)).toEqual(['Jonathan Smith', 'Mary Ann Smith-Jones']);
    expect(names((await http.get(`${base}/patients?query=jose%20obrien`)).body)).toEqual(["José O'Brien"]);
    expect(names((await http.get(`${base}/patients?query=ith`)).body)).toEqual([]);
  });

  it('pages through results with a stable order and a total', async () => {
    const first = await http.get(`${base}/patients?query=smi&page=1&page_size=3`);
    const second = await http.get(`${base}/patients?query=smi&page=2&page_size=3`);
    expect(first.body.total).toBe(4);
    expect(second.body.total).toBe(4);
    expect(names(first.body)).toEqual(['Jane Smith', 'Jonathan Smith', 'Mary Ann Smith-Jones']);
    expect(names(second.body)).toEqual(['Smitty Werbenjagermanjensen']);
    const beyond = await http.get(`${base}/patients?query=smi&page=9&page_size=3`);
    expect(beyond.body).toMatchObject({ items: [], total: 4, page: 9 });
  });

  it('defaults to page 1 of 20 and bounds page_size', async () => {
    const res = await http.get(`${base}/patients?query=a`);
    expect(res.body).toMatchObject({ page: 1, page_size: 20 });
    for (const bad of ['page_size=0', 'page_size=101', 'page=0', 'page=x', 'page_size=-1']) {
      const r = await http.get(`${base}/patients?query=a&${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.headers.get('content-type')).toBe('application/problem+json');
      expect(r.body.errors[0].path).toMatch(/^query\.page/);
    }
  });

  it('requires at least one criterion (422 naming each) and refuses unknown parameters', async () => {
    for (const query of ['', '?page=1', '?include_archived=true']) {
      const missing = await http.get(`${base}/patients${query}`);
      expect(missing.status, query).toBe(422);
      expect(missing.body.errors.map((e: any) => e.path)).toEqual(['query.query', 'query.phone', 'query.email', 'query.date_of_birth']);
    }
    const unknown = await http.get(`${base}/patients?query=smith&pagesize=5`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: 'query.pagesize', message: 'is not a known field' }]);
  });

  it("never shows another organisation's patients", async () => {
    const other = await createTestClinic();
    const res = await client(api.baseUrl, other.token).get(`/api/v1/${other.orgId}/patients?query=smith`);
    expect(res.body.items.map((p: any) => p.uuid).sort()).toEqual([other.patients.jane.uuid, other.patients.jonathan.uuid].sort());
  });
});

describe('POST /patients', () => {
  const valid = { first_name: 'Ada', last_name: 'Lovelace', date_of_birth: '1985-12-10', primary_phone: '+1 (415) 555-0100', email: 'ada@example.com' };

  it('creates a patient: 201, Location, readable and searchable at once', async () => {
    const res = await http.post(`${base}/patients`, { ...valid, preferred_provider_uuid: clinic.dentist.uuid });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ uuid: expect.any(String), ...valid, preferred_provider_uuid: clinic.dentist.uuid, is_active: true, archived_at: null });
    expect(res.headers.get('location')).toBe(`${base}/patients/${res.body.uuid}`);
    const read = await http.get(`${base}/patients/${res.body.uuid}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
    expect(names((await http.get(`${base}/patients?query=lovel`)).body)).toEqual(['Ada Lovelace']);
  });

  it('needs first_name, last_name and date_of_birth, and lists every bad field', async () => {
    const res = await http.post(`${base}/patients`, { first_name: '  ', email: 'not-an-email', date_of_birth: '2999-01-01', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ type: expect.stringContaining('invalid-request'), title: expect.any(String), status: 400, detail: expect.any(String) });
    expect(res.body.errors.map((e: any) => e.path).sort()).toEqual(['body.date_of_birth', 'body.email', 'body.extra', 'body.first_name', 'body.last_name']);
  });

  it('refuses impossible dates of birth', async () => {
    for (const date_of_birth of ['1985-02-30', '85-12-10', '1850-01-01']) {
      const res = await http.post(`${base}/patients`, { ...valid, date_of_birth });
      expect(res.status, date_of_birth).toBe(400);
    }
  });

  it('answers 422 for a preferred provider that does not exist, and writes nothing', async () => {
    const res = await http.post(`${base}/patients`, { ...valid, last_name: 'Ghostprovider', preferred_provider_uuid: '00000000-0000-4000-8000-000000000000' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'body.preferred_provider_uuid', message: expect.any(String) }]);
    expect((await http.get(`${base}/patients?query=ghostprovider`)).body.total).toBe(0);
  });

  it('answers malformed JSON with 400 and a non-JSON content type with 415', async () => {
    const malformed = await http.call('POST', `${base}/patients`, { rawBody: '{"first_name": ', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toContain('malformed-json');
    const text = await http.call('POST', `${base}/patients`, { rawBody: 'first_name=Ada', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(text.status).toBe(415);
    const empty = await http.call('POST', `${base}/patients`, { headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
    const notObject = await http.post(`${base}/patients`, [1, 2]);
    expect(notObject.status).toBe(400);
  });

  it('needs the write scope', async () => {
    const readOnly = await tokenFor(clinic.orgId, ['read']);
    const res = await http.post(`${base}/patients`, valid, { token: readOnly });
    expect(res.status).toBe(403);
    expect((await http.get(`${base}/patients?query=smith`, { token: readOnly })).status).toBe(200);
  });
});

describe('GET /patients/{patient_uuid}', () => {
  it('answers 404 problem+json for an unknown patient and 400 for a malformed uuid', async () => {
    const missing = await http.get(`${base}/patients/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    const malformed = await http.get(`${base}/patients/not-a-uuid`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ path: 'path.patient_uuid', message: 'must be a uuid' }]);
  });
});
