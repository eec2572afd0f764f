/**
 * Limits on what one request may carry, through the local API Gateway against DynamoDB Local: the
 * body size (413 at 64 KiB, by the local gateway before it has read the rest, and by the function
 * itself as in AWS), `If-Match`, and the text rules on real fields. A refused request writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import type { Context } from 'aws-lambda';
import { DateTime } from 'luxon';
import { createLocalApi, listen } from '../../infra/local/api-gateway.ts';
import { MAX_BODY_BYTES, type ApiEvent } from '#shared/http/handler.ts';
import { createTestClinic, type TestClinic } from '../helpers/clinic.ts';
import { assertMatchesContract } from '../helpers/contract.ts';
import { client, type ApiResponse } from '../helpers/local-api.ts';

const server = createLocalApi();
/** Bytes the server read from each connection, recorded when the connection closes. */
const bytesRead: number[] = [];
server.on('connection', (socket: Socket) => socket.on('close', () => bytesRead.push(socket.bytesRead)));

let baseUrl: string;
let clinic: TestClinic;
let http: ReturnType<typeof client>;
let base: string;

beforeAll(async () => {
  baseUrl = `http://127.0.0.1:${await listen(server, 0)}`;
  clinic = await createTestClinic();
  http = client(baseUrl, clinic.token);
  base = `/api/v1/${clinic.orgId}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function expectProblem(res: ApiResponse, status: number, paths: string[]) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect((res.body as { errors?: { path: string }[] }).errors?.map((e) => e.path)).toEqual(paths);
}

/** A patient body of exactly `bytes` bytes (JSON whitespace pads it). */
function patientBody(lastName: string, bytes: number): string {
  const json = JSON.stringify({ first_name: 'Limit', last_name: lastName, date_of_birth: '1980-02-03' });
  const padding = bytes - Buffer.byteLength(json);
  expect(padding).toBeGreaterThanOrEqual(0);
  return `{${' '.repeat(padding)}${json.slice(1)}`;
}

async function patientsNamed(lastName: string): Promise<number> {
  const res = await http.get(`${base}/patients?query=${encodeURIComponent(lastName)}`);
  expect(res.status).toBe(200);
  return res.body.total;
}

/**
 * Streams `total` bytes of body (chunked when `declare` is false) and resolves with the status as soon
 * as an answer arrives — the client stops sending then — with how many bytes it had sent by that time.
 */
function upload(path: string, total: number, declare: boolean): Promise<{ status: number; body: string; sent: number; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(
      `${baseUrl}${path}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${clinic.token}`,
          'content-type': 'application/json',
          ...(declare ? { 'content-length': String(total) } : { 'transfer-encoding': 'chunked' }),
        },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), sent, type: res.headers['content-type'] });
          req.destroy();
        });
      },
    );
    // The server closes the connection after its answer: a write failing then is expected.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, ' ');
    const pump = () => {
      while (!answered && sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('request bodies are limited to 64 KiB', () => {
  it('takes a body of exactly 64 KiB; one byte more is a 413 problem naming the body, and nothing is created', async () => {
    expect(MAX_BODY_BYTES).toBe(64 * 1024);
    const fits = await http.call('POST', `${base}/patients`, { rawBody: patientBody('Exactfit', MAX_BODY_BYTES), headers: { 'content-type': 'application/json' } });
    expect(fits.status, JSON.stringify(fits.body)).toBe(201);

    const over = await http.call('POST', `${base}/patients`, { rawBody: patientBody('Onebyteover', MAX_BODY_BYTES + 1), headers: { 'content-type': 'application/json' } });
    expectProblem(over, 413, ['body']);
    expect(over.body.type).toBe('urn:problem-type:dental-booking:payload-too-large');
    expect(await patientsNamed('Onebyteover')).toBe(0);
  });

  it('counts bytes, not characters', async () => {
    const lastName = 'é'.repeat(40_000); // 40,000 characters, 80,000 bytes
    const res = await http.post(`${base}/patients`, { first_name: 'Limit', last_name: lastName, date_of_birth: '1980-02-03' });
    expectProblem(res, 413, ['body']);
  });

  it.each([
    ['with a Content-Length of 50 MB', true],
    ['streamed without a length', false],
  ])('answers a huge body %s at once, without reading it to the end', async (_, declare) => {
    const total = 50 * 1024 * 1024;
    bytesRead.length = 0;
    const res = await upload(`${base}/patients`, total, declare);
    expect(res.status, res.body).toBe(413);
    expect(res.type).toMatch(/^application\/problem\+json/);
    assertMatchesContract('POST', `${base}/patients`, res.status, res.type ?? null, JSON.parse(res.body));
    // The client stopped at the answer, long before the end; the server read a fraction of that.
    expect(res.sent).toBeLessThan(total);
    await expect.poll(() => bytesRead.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(Math.max(...bytesRead)).toBeLessThan(8 * 1024 * 1024);
  });

  it('is the same rule on a route without a body', async () => {
    const res = await new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
      const headers = { authorization: `Bearer ${clinic.token}`, 'content-type': 'application/json', 'content-length': String(MAX_BODY_BYTES + 1) };
      const req = request(`${baseUrl}${base}/settings`, { method: 'GET', headers }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, type: r.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(' '.repeat(MAX_BODY_BYTES + 1));
    });
    expect(res.status).toBe(413);
    assertMatchesContract('GET', `${base}/settings`, res.status, res.type ?? null, JSON.parse(res.body));
  });

  it('is enforced by the function itself, as in AWS, on the decoded size of a base64 body', async () => {
    const { handler } = await import('../../functions/create-patient.ts');
    const invoke = (bytes: number) =>
      handler(
        {
          version: '2.0',
          routeKey: 'POST /api/v1/{org_id}/patients',
          rawPath: `${base}/patients`,
          rawQueryString: '',
          headers: { 'content-type': 'application/json' },
          pathParameters: { org_id: clinic.orgId },
          isBase64Encoded: true,
          body: Buffer.from(patientBody('Basesixtyfour', bytes)).toString('base64'),
          requestContext: { requestId: 'r1', routeKey: 'POST /api/v1/{org_id}/patients', http: { method: 'POST', path: `${base}/patients` } },
        } as unknown as ApiEvent,
        { awsRequestId: 'r1', functionName: 'create-patient', getRemainingTimeInMillis: () => 10_000 } as unknown as Context,
      );
    const over = await invoke(MAX_BODY_BYTES + 1);
    expect(over.statusCode).toBe(413);
    expect(JSON.parse(over.body!).errors).toEqual([{ path: 'body', message: `must be at most ${MAX_BODY_BYTES} bytes` }]);
    // Its base64 text is a third longer than the limit; the decoded body fits, so the next check
    // (the token: none was attached here) answers.
    expect((await invoke(MAX_BODY_BYTES)).statusCode).toBe(401);
  });
});

describe('If-Match', () => {
  it('refuses an empty entity tag ("") with a 400 naming the header, and changes nothing', async () => {
    const day = DateTime.now().setZone('America/Los_Angeles').plus({ days: 25 }).toISODate()!;
    const booked = await http.post(`${base}/appointments`, {
      patient_uuid: clinic.patients.jane.uuid,
      appointment_type_uuid: clinic.types.exam.uuid,
      location_uuid: clinic.location.uuid,
      provider_uuid: clinic.dentist.uuid,
      scheduled_start: `${day}T09:00:00`,
      scheduled_end: `${day}T10:00:00`,
    });
    expect(booked.status).toBe(201);
    const path = `${base}/appointments/${booked.body.uuid}`;
    const before = await http.get(path);

    for (const value of ['""', '']) {
      const edit = await http.call('PATCH', path, { body: { notes: 'changed' }, headers: { 'if-match': value } });
      expectProblem(edit, 400, ['header.if-match']);
      const status = await http.call('PATCH', `${path}/status`, { body: { status: 'confirmed' }, headers: { 'if-match': value } });
      expectProblem(status, 400, ['header.if-match']);
    }
    const after = await http.get(path);
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
    expect(after.body).toEqual(before.body);
    // The real ETag still works.
    expect((await http.call('PATCH', path, { body: { notes: 'changed' }, headers: { 'if-match': before.headers.get('etag')! } })).status).toBe(200);
  });

  it('is the same rule on a webhook endpoint: an empty tag is a 400 and changes nothing; the real ETag works', async () => {
    const made = await http.post(`${base}/webhooks`, { url: 'http://127.0.0.1:9/limits', event_types: ['*'] });
    expect(made.status).toBe(201);
    const path = `${base}/webhooks/${made.body.uuid}`;
    for (const value of ['""', '']) expectProblem(await http.call('PATCH', path, { body: { active: false }, headers: { 'if-match': value } }), 400, ['header.if-match']);
    const after = await http.get(path);
    expect(after.headers.get('etag')).toBe(made.headers.get('etag'));
    expect(after.body.active).toBe(true);
    expect((await http.call('PATCH', path, { body: { active: false }, headers: { 'if-match': made.headers.get('etag')! } })).status).toBe(200);
  });
});

describe('text rules on real fields', () => {
  it('welcome names of every script and spelling, stored as sent', async () => {
    for (const [first, last] of [
      ['José', 'Nguyễn'],
      ['José'.normalize('NFD'), 'Nguyễn'.normalize('NFD')],
      ['李', 'Ngũgĩ'],
      ['Anne-Marie', "O'Brien"],
    ]) {
      // The composed and decomposed spellings are one name: a possible duplicate, created anyway.
      const res = await http.post(`${base}/patients`, { first_name: first, last_name: last, date_of_birth: '1975-05-05', allow_duplicate: true });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect([res.body.first_name, res.body.last_name]).toEqual([first, last]);
    }
  });

  it('refuse control, bidirectional and invisible-only text with a 400 naming the field, without echoing it', async () => {
    const total = await patientsNamed('Smith');
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['POST', `${base}/patients`, { first_name: 'Eve\u202e', last_name: 'Smith', date_of_birth: '1975-05-05' }, 'body.first_name'],
      ['POST', `${base}/patients`, { first_name: 'Eve', last_name: '\u200b\u200d', date_of_birth: '1975-05-05' }, 'body.last_name'],
      ['POST', `${base}/providers`, { first_name: 'Ann', last_name: 'Lee', title: 'DDS\u0000' }, 'body.title'],
      ['POST', `${base}/locations`, { name: 'Main\nStreet', time_zone: 'America/Los_Angeles' }, 'body.name'],
      ['POST', `${base}/locations/${clinic.location.uuid}/operatories`, { name: '\u2066Chair\u2069' }, 'body.name'],
      ['PATCH', `${base}/settings`, { name: 'Clinic\u001b[2J' }, 'body.name'],
      ['POST', `${base}/appointment-types`, { code: 'TXT', name: '\u3164', duration_minutes: 30, color: '#123456', requires_exam: false }, 'body.name'],
      ['POST', `${base}/webhooks`, { url: 'http://127.0.0.1:9/hook', event_types: ['*'], description: 'Recall\u202e' }, 'body.description'],
      ['POST', `${base}/webhooks`, { url: 'http://127.0.0.1:9/\u0000', event_types: ['*'] }, 'body.url'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await http.call(method, path, { body });
      expectProblem(res, 400, [field]);
      const sent = JSON.stringify(body[field.replace('body.', '')]).slice(1, -1);
      expect(JSON.stringify(res.body)).not.toContain(sent);
    }
    const search = await http.get(`${base}/patients?query=${encodeURIComponent('Smi\u0000th')}`);
    expectProblem(search, 400, ['query.query']);
    expect(await patientsNamed('Smith')).toBe(total);
  });

  it('keep line breaks and tabs in notes, and refuse a lone carriage return there', async () => {
    const day = DateTime.now().setZone('America/Los_Angeles').plus({ days: 26 }).toISODate()!;
    const notes = 'Line one\r\nLine two\n\tindented';
    const booked = await http.post(`${base}/appointments`, {
      patient_uuid: clinic.patients.jane.uuid,
      appointment_type_uuid: clinic.types.exam.uuid,
      location_uuid: clinic.location.uuid,
      provider_uuid: clinic.dentist.uuid,
      scheduled_start: `${day}T09:00:00`,
      scheduled_end: `${day}T10:00:00`,
      notes,
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body.notes).toBe(notes);
    const path = `${base}/appointments/${booked.body.uuid}`;
    expectProblem(await http.call('PATCH', path, { body: { notes: 'over\rwrite' } }), 400, ['body.notes']);
    expectProblem(await http.call('PATCH', `${path}/status`, { body: { status: 'cancelled', reason: '\u202eyllaer' } }), 400, ['body.reason']);
    expect((await http.get(path)).body.notes).toBe(notes);
  });
});
