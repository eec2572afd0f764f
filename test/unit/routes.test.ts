import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { acceptedScopes, acceptedScopesRule, pathOf, pathParameterNames, routeList, routes } from '#shared/routes.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the route table', () => {
  it('has one entry per method and path, each with a handler module that exists', () => {
    const keys = routeList.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of routeList) {
      expect(existsSync(join(import.meta.dirname, '..', '..', 'functions', `${route.handler}.ts`)), route.handler).toBe(true);
      // Tenant data lives under the organisation's path; only the API description (the docs and
      // the front desk page) is public; a route about the caller (whoami) reads only its own org.
      if (route.scope === 'public') expect([route.name, route.method, route.table]).toEqual([route.name, 'GET', 'none']);
      else if (route.org === 'token') expect([route.name, route.method, route.table, route.path]).toEqual(['whoami', 'GET', 'read', '/api/v1/whoami']);
      else expect(route.path.startsWith('/api/v1/{org_id}/'), route.name).toBe(true);
    }
  });

  it('gives GETs read-only table access and the read scope (the audit trail and webhooks: admin; clinical notes: clinical)', () => {
    const adminOnly = new Set(['listAudit', 'listWebhooks', 'getWebhook', 'listWebhookDeliveries']);
    const clinicalOnly = new Set(['listAppointmentNotes']);
    for (const route of routeList.filter((r) => r.method === 'GET' && r.scope !== 'public')) {
      const scope = adminOnly.has(route.name) ? 'admin' : clinicalOnly.has(route.name) ? 'clinical' : 'read';
      expect([route.name, route.table, route.scope]).toEqual([route.name, 'read', scope]);
    }
  });

  it('admits only clinical tokens to clinical notes, and clinical tokens to nothing else', () => {
    const notes = routeList.filter((r) => r.path.endsWith('/notes')).map((r) => r.name).sort();
    expect(notes).toEqual(['createAppointmentNote', 'listAppointmentNotes']);
    // whoami admits every token (it answers the token's own metadata, no data of the practice).
    for (const route of routeList.filter((r) => r.org !== 'token')) {
      const clinical = notes.includes(route.name);
      expect([route.name, [...acceptedScopes(route)]]).toEqual([route.name, clinical ? ['clinical'] : acceptedScopes(route).filter((s) => s !== 'clinical')]);
      expect([route.name, route.scope === 'clinical']).toEqual([route.name, clinical]);
    }
  });

  it("writes each route's accepted scopes as the rule over the whole table makes them", () => {
    for (const route of routeList) expect([route.name, [...route.scopes]]).toEqual([route.name, [...acceptedScopesRule(route)]]);
    // The rule sees the other routes: without the admin routes that change settings, a read of them is `read` only.
    expect(acceptedScopesRule(routes.getSettings, [routes.getSettings])).toEqual(['read']);
    expect(acceptedScopesRule(routes.getSettings, [routes.getSettings, routes.updateSettings])).toEqual(['read', 'admin']);
  });

  it('admits admin tokens to reads of the setup they may change, never to patients or appointments', () => {
    expect(acceptedScopes(routes.getSettings)).toEqual(['read', 'admin']);
    expect(acceptedScopes(routes.listWorkingHours)).toEqual(['read', 'admin']);
    expect(acceptedScopes(routes.listAppointmentTypes)).toEqual(['read', 'admin']);
    expect(acceptedScopes(routes.getAvailability)).toEqual(['read']);
    expect(acceptedScopes(routes.updateSettings)).toEqual(['admin']);
    for (const route of routeList.filter((r) => r.tag === 'Patients' || r.path.includes('/appointments'))) {
      expect([route.name, acceptedScopes(route).includes('admin')]).toEqual([route.name, route.scope === 'admin']);
    }
  });

  it('declares a schema for every path parameter, and a body schema for every POST', () => {
    for (const route of routeList) {
      const params = route.request.params as { shape?: Record<string, unknown> } | undefined;
      expect(Object.keys(params?.shape ?? {}), route.name).toEqual(pathParameterNames(route.path));
      if (route.method === 'POST') expect(route.request.body, route.name).toBeDefined();
      expect(Object.keys(route.responses).length, route.name).toBeGreaterThan(0);
    }
  });

  it('keeps one module per route, named after its handler, exporting the spec under its name', async () => {
    const modules = readdirSync(join(ROOT, 'shared', 'routes')).filter((f) => f.endsWith('.ts') && f !== 'spec.ts');
    expect(modules.sort()).toEqual(routeList.map((r) => `${r.handler}.ts`).sort());
    for (const route of routeList) {
      const module = (await import(`#shared/routes/${route.handler}.ts`)) as Record<string, unknown>;
      expect(module[route.name], route.name).toBe(routes[route.name]);
    }
  });

  it("bundles into each function its own route's module, the ones it links to, and no other (the index only for the OpenAPI document)", async () => {
    // Bundled as the stack bundles (infra/booking-stack.ts, so tree-shaken alike), but packages left
    // out and nothing written: only which of our modules went in matters here.
    const { metafile } = await build({
      entryPoints: routeList.map((r) => join(ROOT, 'functions', `${r.handler}.ts`)),
      absWorkingDir: ROOT,
      outdir: join(ROOT, '.local', 'route-bundles'),
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node24',
      packages: 'external',
      write: false,
      metafile: true,
      logLevel: 'error',
    });
    const outputs = Object.values(metafile.outputs).filter((output) => output.entryPoint);
    expect(outputs).toHaveLength(routeList.length);
    for (const output of outputs) {
      const entry = output.entryPoint!;
      const handler = entry.replace(/^functions\/|\.ts$/g, '');
      const source = readFileSync(join(ROOT, entry), 'utf8');
      const imported = new Set([...source.matchAll(/'#shared\/routes\/([\w-]+)\.ts'/g)].map((m) => m[1]));
      expect(imported.has(handler), `${handler} imports its own route module`).toBe(true);
      const bundled = Object.keys(output.inputs)
        .filter((file) => file === 'shared/routes.ts' || file.startsWith('shared/routes/'))
        .map((file) => file.replace(/^shared\/routes\/|\.ts$/g, ''))
        .filter((name) => name !== 'spec');
      const allowed = handler === 'get-openapi-document' ? [...routeList.map((r) => r.handler), 'shared/routes'] : [...imported];
      expect(bundled.filter((name) => !allowed.includes(name)), `${handler} bundles other routes`).toEqual([]);
      // Schemas are zod/mini: classic zod is about three times the code and the cold-start time.
      const classicZod = output.imports.filter((i) => /^zod(?:\/v4(?:\/classic)?|\/v3)?$/.test(i.path)).map((i) => i.path);
      expect(classicZod, `${handler} imports classic zod`).toEqual([]);
      // The guide's examples serve the OpenAPI document only.
      if (handler !== 'get-openapi-document') expect(Object.keys(output.inputs), `${handler} bundles the examples`).not.toContain('shared/schemas/examples.ts');
    }
  }, 60_000);

  it('documents Location on every 201 (the README promises it; test/integration checks the values)', () => {
    const created = routeList.filter((r) => 201 in r.responses);
    expect(created.length).toBeGreaterThan(0);
    // (Beside it only an ETag, where the thing created can be changed with If-Match.)
    for (const route of created) expect([route.name, Object.keys((route.responses as Record<number, { headers?: object }>)[201]!.headers ?? {}).filter((h) => h !== 'ETag')]).toEqual([route.name, ['Location']]);
  });

  it('fills path templates', () => {
    expect(pathParameterNames(routes.getPatient.path)).toEqual(['org_id', 'patient_uuid']);
    expect(pathOf(routes.getPatient, { org_id: 'o1', patient_uuid: 'p 1' })).toBe('/api/v1/o1/patients/p%201');
    expect(() => pathOf(routes.getPatient, { org_id: 'o1' })).toThrow(/patient_uuid/);
  });
});
