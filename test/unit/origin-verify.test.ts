/**
 * The origin check of a stage behind CloudFront and its WAF (context `waf=true`): with
 * ORIGIN_VERIFY_SECRET set, every function refuses a request without CloudFront's secret header with
 * a 403 problem+json, before it reads anything; without the variable (every other stage, the local
 * server) nothing is checked. Through real functions, a public one and one that takes a token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { problemTypeUri } from '#shared/errors.ts';
import { assertViaEdge, ORIGIN_VERIFY_ENV, ORIGIN_VERIFY_HEADER, PUBLIC_URL_ENV, type ApiEvent, type ApiResult } from '#shared/http/middleware.ts';

const SECRET = 'Kq3v9ZcXbT2mWf8LpR4sYh6NdJ1aGe7U';

const event = (path: string, pathParameters: Record<string, string>, headers: Record<string, string> = {}): ApiEvent =>
  ({
    version: '2.0',
    routeKey: 'test',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com', accept: 'application/json', ...headers },
    pathParameters,
    requestContext: { requestId: 'r', domainName: 'abc123.execute-api.eu-west-1.amazonaws.com', http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' } },
    isBase64Encoded: false,
  }) as unknown as ApiEvent;

const context = { awsRequestId: 'req-1', functionName: 'unit', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

const orgId = '0d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6';
const patientId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const openapi = () => event('/api/v1/openapi.json', {});
const patient = (headers: Record<string, string> = {}) => event(`/api/v1/${orgId}/patients/${patientId}`, { org_id: orgId, patient_uuid: patientId }, headers);

afterEach(() => {
  delete process.env[ORIGIN_VERIFY_ENV];
  delete process.env[PUBLIC_URL_ENV];
});

describe('assertViaEdge (pure)', () => {
  it('checks nothing without the variable: the header is neither needed nor looked at', () => {
    delete process.env[ORIGIN_VERIFY_ENV];
    expect(() => assertViaEdge(openapi())).not.toThrow();
    expect(() => assertViaEdge(event('/x', {}, { [ORIGIN_VERIFY_HEADER]: 'anything' }))).not.toThrow();
  });

  it('with the variable: only the exact value passes; missing, empty, wrong, longer or shorter is refused as forbidden', () => {
    process.env[ORIGIN_VERIFY_ENV] = SECRET;
    expect(() => assertViaEdge(event('/x', {}, { [ORIGIN_VERIFY_HEADER]: SECRET }))).not.toThrow();
    for (const given of [undefined, '', 'wrong', `${SECRET}x`, SECRET.slice(1), SECRET.toLowerCase()]) {
      const headers: Record<string, string> = given === undefined ? {} : { [ORIGIN_VERIFY_HEADER]: given };
      expect(() => assertViaEdge(event('/x', {}, headers)), String(given)).toThrow(expect.objectContaining({ type: 'forbidden', status: 403 }));
    }
  });
});

describe('through the functions', () => {
  it('without the variable, a public route answers and a token route asks for its token (as on every stage without the WAF)', async () => {
    const { handler: document } = await import('../../functions/get-openapi-document.ts');
    expect(((await document(openapi(), context)) as ApiResult).statusCode).toBe(200);
    process.env.TABLE_NAME ??= 'unit-no-table';
    const { handler: getPatient } = await import('../../functions/get-patient.ts');
    expect(((await getPatient(patient(), context)) as ApiResult).statusCode).toBe(401);
  });

  it('with the variable, both refuse a request that went around CloudFront with a 403 problem+json, and serve one that came through it', async () => {
    process.env[ORIGIN_VERIFY_ENV] = SECRET;
    const { handler: document } = await import('../../functions/get-openapi-document.ts');
    process.env.TABLE_NAME ??= 'unit-no-table';
    const { handler: getPatient } = await import('../../functions/get-patient.ts');
    for (const result of [(await document(openapi(), context)) as ApiResult, (await getPatient(patient({ authorization: 'Bearer x' }), context)) as ApiResult]) {
      expect(result.statusCode).toBe(403);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      const body = JSON.parse(String(result.body)) as { type: string; status: number; detail: string };
      expect(body).toMatchObject({ type: problemTypeUri('forbidden'), status: 403 });
      expect(body.detail).toMatch(/ApiUrl/);
      expect(result.body).not.toContain(SECRET);
    }
    // Through CloudFront (the header set): the public route answers; the token route goes on to its token (401, not 403).
    expect(((await document({ ...openapi(), headers: { ...openapi().headers, [ORIGIN_VERIFY_HEADER]: SECRET } }, context)) as ApiResult).statusCode).toBe(200);
    expect(((await getPatient(patient({ [ORIGIN_VERIFY_HEADER]: SECRET }), context)) as ApiResult).statusCode).toBe(401);
  });
});

describe('the API description behind CloudFront', () => {
  it('names the published address (PUBLIC_BASE_URL) as its server, not the API Gateway address the request arrived at', async () => {
    const { handler: document } = await import('../../functions/get-openapi-document.ts');
    const serverOf = async () => (JSON.parse(String(((await document(openapi(), context)) as ApiResult).body)) as { servers: Array<{ url: string }> }).servers[0]!.url;
    expect(await serverOf()).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com');
    process.env[PUBLIC_URL_ENV] = 'https://d111111abcdef8.cloudfront.net';
    expect(await serverOf()).toBe('https://d111111abcdef8.cloudfront.net');
  });
});
