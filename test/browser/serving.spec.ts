/**
 * The front desk page as Chromium gets it from `npm start`: the exact policy on the page and its
 * files, no violation of it while the page loads, hashed files cached forever and compressed, a 404
 * for any other name, and whoami from the page's own origin with the demo token.
 */
import { test, expect } from './harness.ts';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

test('the page and its files load under the exact policy, with no violation', async ({ page, csp }) => {
  const assets: { url: string; headers: Record<string, string>; status: number }[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/desk/')) assets.push({ url: response.url(), headers: response.headers(), status: response.status() });
  });
  const response = await page.goto('/desk', { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  const headers = response!.headers();
  expect(headers['content-security-policy']).toBe(CSP);
  expect(headers['content-type']).toBe('text/html; charset=utf-8');
  expect(headers['cache-control']).toBe('no-cache');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
  // The calendar's global is there (the page's own script runs after it) and the page mounted into its element.
  expect(await page.evaluate(() => typeof (window as unknown as { EventCalendar?: unknown }).EventCalendar)).toBe('object');
  await expect(page.locator('main#desk')).not.toBeEmpty();
  // Two scripts and two stylesheets, every one the server's hashed file, each under the same policy.
  expect(assets.map((a) => new URL(a.url).pathname.replace(/\.[0-9a-f]{16}\./, '.#.')).sort()).toEqual(
    ['/desk/desk.#.css', '/desk/event-calendar.#.css', '/desk/event-calendar.#.js', '/desk/main.#.js'],
  );
  for (const asset of assets) {
    expect(asset.status, asset.url).toBe(200);
    expect(asset.headers['content-security-policy'], asset.url).toBe(CSP);
  }
  // Let the page settle (its first API calls or its lock screen) before counting violations.
  await page.waitForLoadState('networkidle');
  csp.expectNone();
});

test('hashed files are immutable and compressed as the browser accepts; other names are 404 problem+json', async ({ page, request }) => {
  await page.goto('/desk');
  const scripts = await page.locator('script[src]').evaluateAll((els) => els.map((el) => (el as HTMLScriptElement).getAttribute('src')!));
  const styles = await page.locator('link[rel="stylesheet"]').evaluateAll((els) => els.map((el) => (el as HTMLLinkElement).getAttribute('href')!));
  expect(scripts).toHaveLength(2);
  expect(styles).toHaveLength(2);
  for (const path of [...scripts, ...styles]) {
    for (const [accept, encoding] of [
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip, deflate', 'gzip'],
      ['identity', undefined],
    ] as const) {
      const res = await request.get(path, { headers: { 'accept-encoding': accept } });
      expect(res.status(), path).toBe(200);
      const headers = res.headers();
      expect(headers['cache-control'], path).toBe('public, max-age=31536000, immutable');
      expect(headers.vary, path).toBe('accept-encoding');
      expect(headers['content-encoding'], `${path} ${accept}`).toBe(encoding);
      expect(headers['content-type'], path).toMatch(path.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect((await res.body()).length, path).toBeGreaterThan(0);
    }
  }
  const stale = scripts[1]!.replace(/\.[0-9a-f]{16}\./, '.0123456789abcdef.');
  for (const path of [stale, '/desk/manifest.json', '/desk/main.js', `${scripts[1]}.br`]) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(404);
    expect(res.headers()['content-type'], path).toBe('application/problem+json');
  }
});

test("whoami from the page's origin with the demo token names the demo organisation", async ({ page, desk }) => {
  await page.goto('/desk');
  const answer = await page.evaluate(async (token) => {
    const res = await fetch('/api/v1/whoami', { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as { org_id: string; token: unknown } };
  }, desk.token);
  expect(answer.status).toBe(200);
  expect(answer.body.org_id).toBe(desk.orgId);
  expect(answer.body.token).toMatchObject({ label: 'local demo', scopes: ['read', 'write', 'admin', 'clinical'], expires_at: null });
  expect(JSON.stringify(answer.body)).not.toContain(desk.token);
  const refused = await page.evaluate(async () => (await fetch('/api/v1/whoami', { headers: { authorization: 'Bearer dbk_not-a-real-token' } })).status);
  expect(refused).toBe(401);
});
