import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { acceptedScopes, pathOf, pathParameterNames, routeList, routes } from '#shared/routes.ts';

describe('the route table', () => {
  it('has one entry per method and path, each with a handler module that exists', () => {
    const keys = routeList.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of routeList) {
      expect(existsSync(join(import.meta.dirname, '..', '..', 'functions', `${route.handler}.ts`)), route.handler).toBe(true);
      // Tenant data lives under the organisation's path; only the API description is public.
      if (route.scope === 'public') expect([route.name, route.method, route.table]).toEqual([route.name, 'GET', 'none']);
      else expect(route.path.startsWith('/api/v1/{org_id}/'), route.name).toBe(true);
    }
  });

  it('gives GETs read-only table access and the read scope (the audit trail: admin)', () => {
    const adminOnly = new Set(['listAudit']);
    for (const route of routeList.filter((r) => r.method === 'GET' && r.scope !== 'public')) {
      expect([route.name, route.table, route.scope]).toEqual([route.name, 'read', adminOnly.has(route.name) ? 'admin' : 'read']);
    }
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

  it('fills path templates', () => {
    expect(pathParameterNames(routes.getPatient.path)).toEqual(['org_id', 'patient_uuid']);
    expect(pathOf(routes.getPatient, { org_id: 'o1', patient_uuid: 'p 1' })).toBe('/api/v1/o1/patients/p%201');
    expect(() => pathOf(routes.getPatient, { org_id: 'o1' })).toThrow(/patient_uuid/);
  });
});
