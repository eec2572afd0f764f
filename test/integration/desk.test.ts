/**
 * The front desk page as the API serves it (in-process; the browser test test/browser/serving.spec.ts
 * loads it in Chromium): a shell with no data, its own strict policy, hashed files cached forever and
 * compressed, and nothing but the build's own files.
 */
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useLocalApi } from '../helpers/use-clinic.ts';
import { client } from '../helpers/local-api.ts';
import { deskBuild } from '#shared/http/desk-build.ts';
import { DESK_CSP } from '#shared/schemas/desk.ts';
import { pathOf, routes } from '#shared/routes.ts';

const api = useLocalApi();
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The raw bytes and headers (fetch would decompress). */
function raw(path: string, acceptEncoding?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, api.baseUrl);
    const req = request(url, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const asset = (name: string) => pathOf(routes.getDeskAsset, { asset: name });

describe('GET /desk', () => {
  it('is the shell: the build hashed files, no inline script or style, the exact policy, not cached unasked', async () => {
    expect(DESK_CSP).toBe(CSP);
    const res = await client(api.baseUrl).get(routes.getDeskPage.path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    const html = res.body as string;
    const { page } = deskBuild().manifest;
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    // The calendar's global first, then the page.
    expect(scripts).toEqual([`<script src="${asset(page.calendarJs)}" defer>`, `<script src="${asset(page.mainJs)}" defer>`]);
    expect([...html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1])).toEqual([asset(page.calendarCss), asset(page.deskCss)]);
    expect(html).toContain('<main id="desk"></main>');
    expect(html).not.toMatch(/<style|\sstyle=|<script>|\son[a-z]+=/i);
  });
});

describe('GET /desk/{asset}', () => {
  const { page, files } = deskBuild().manifest;

  it.each(Object.keys(files))('%s: immutable, its own type and policy, gzip or brotli as accepted', async (name) => {
    const plain = await raw(asset(name));
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe(files[name]);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-security-policy']).toBe(CSP);
    expect(plain.headers.vary).toBe('accept-encoding');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gz = await raw(asset(name), 'gzip, deflate');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    const br = await raw(asset(name), 'gzip, deflate, br, zstd');
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    const refused = await raw(asset(name), 'br;q=0, gzip');
    expect(refused.headers['content-encoding']).toBe('gzip');
  });

  it('compresses the calendar script to well under a third', async () => {
    const plain = await raw(asset(page.calendarJs));
    const br = await raw(asset(page.calendarJs), 'br');
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
  });

  it('answers any other name with 404 problem+json: unknown hashes, the manifest, compressed copies, paths', async () => {
    const stale = page.mainJs.replace(/\.[0-9a-f]{16}\./, '.0000000000000000.');
    for (const name of [stale, 'manifest.json', `${page.mainJs}.gz`, `${page.mainJs}.br`, '..%2Fpackage.json', 'main.js', '__proto__', 'constructor.0123456789abcdef.js']) {
      const res = await client(api.baseUrl).get(`/desk/${name}`, { contract: name !== '..%2Fpackage.json' });
      expect(res.status, name).toBe(404);
      expect(res.headers.get('content-type'), name).toBe('application/problem+json');
    }
  });
});
