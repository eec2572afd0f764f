import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '#shared/contract/openapi.ts';
import { routes } from '#shared/routes.ts';
import { client } from '../helpers/local-api.ts';
import { useLocalApi } from '../helpers/use-clinic.ts';
import { assertMatchesContract } from '../helpers/contract.ts';

const api = useLocalApi();
let http: ReturnType<typeof client>;

beforeAll(() => {
  http = client(api.baseUrl);
});

describe('the API description, served without a token', () => {
  it('GET /api/v1/openapi.json is the generated document, naming this server', async () => {
    const res = await http.get(routes.getOpenApiDocument.path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toEqual(buildOpenApiDocument({ serverUrl: api.baseUrl }));
  });

  it('GET /docs is a page that loads Swagger UI from this API (no CDN) and points it at the document', async () => {
    const res = await http.get(routes.getDocsPage.path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = res.body as string;
    expect(page).toContain('src="/docs/swagger-ui-bundle.js"');
    expect(page).toContain('href="/docs/swagger-ui.css"');
    expect(page).toContain(`url: '${routes.getOpenApiDocument.path}'`);
    expect(page).not.toMatch(/https?:\/\//);
  });

  it('serves the renderer files from the installed package, gzipped when asked', async () => {
    const file = readFileSync(createRequire(import.meta.url).resolve('swagger-ui-dist/swagger-ui-bundle.js'), 'utf8');
    const plain = await fetch(`${api.baseUrl}/docs/swagger-ui-bundle.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(file);
    assertMatchesContract('GET', '/docs/swagger-ui-bundle.js', plain.status, plain.headers.get('content-type'), file);
    const gzipped = await fetch(`${api.baseUrl}/docs/swagger-ui-bundle.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(await gzipped.text()).toBe(file); // fetch inflates it
    assertMatchesContract('GET', '/docs/swagger-ui-bundle.js', gzipped.status, gzipped.headers.get('content-type'), file);
    const css = await http.get('/docs/swagger-ui.css');
    expect(css.status).toBe(200);
  });

  it('answers any other file name with a problem+json 404', async () => {
    for (const name of ['index.html', '..%2Fpackage.json', 'swagger-ui-bundle.js.map']) {
      const res = await http.get(`/docs/${name}`);
      expect(res.status, name).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });
});

describe('security headers', () => {
  it('are on API answers, problems and the docs page', async () => {
    const problem = await http.get('/api/v1/00000000-0000-4000-8000-000000000000/patients?query=x');
    const document = await http.get(routes.getOpenApiDocument.path);
    const page = await http.get(routes.getDocsPage.path);
    for (const res of [problem, document, page]) {
      expect(res.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect(problem.status).toBe(401);
    expect(problem.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self' 'unsafe-inline'");
  });
});
