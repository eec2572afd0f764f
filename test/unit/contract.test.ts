import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildOpenApiDocument, errorStatuses } from '#shared/contract/openapi.ts';
import { routeList, routes } from '#shared/routes.ts';
import { DOCUMENT_FILE, TYPES_FILE, generateContract } from '../../infra/generate-contract.ts';
import { examples } from '#shared/schemas/examples.ts';
import { Appointment, BookAppointmentBody } from '#shared/schemas/appointments.ts';
import { AppointmentTypeList } from '#shared/schemas/appointment-types.ts';
import { CreatePatientBody, Patient, PatientPage } from '#shared/schemas/patients.ts';
import { Problem } from '#shared/schemas/common.ts';

const document = buildOpenApiDocument({ serverUrl: 'https://api.example.com' });
type Operation = { operationId: string; security: unknown[]; responses: Record<string, unknown>; parameters: { name: string; in: string; required: boolean; schema: unknown }[] };
const operation = (path: string, method: string) => (document.paths as Record<string, Record<string, Operation>>)[path]![method.toLowerCase()]!;

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route of the table, and nothing else', () => {
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routeList.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of routeList) expect(operation(route.path, route.method).operationId).toBe(route.name);
  });

  it('documents every problem status a route can answer, as problem+json', () => {
    for (const route of routeList) {
      const responses = operation(route.path, route.method).responses;
      for (const status of errorStatuses(route)) {
        expect(responses[String(status)], `${route.name} ${status}`).toMatchObject({ content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
      }
    }
    expect(Object.keys(operation(routes.bookAppointment.path, 'POST').responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409', '415', '422']));
  });

  it('asks for the bearer token everywhere but on the API description', () => {
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const route of routeList) {
      expect(operation(route.path, route.method).security, route.name).toEqual(route.scope === 'public' ? [] : [{ bearerAuth: [] }]);
    }
  });

  it('describes query integers as integers with their bounds and defaults', () => {
    const params = operation(routes.searchPatients.path, 'GET').parameters;
    expect(params.find((p) => p.name === 'page_size')).toEqual({ name: 'page_size', in: 'query', required: false, description: 'Patients per page.', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } });
    // Any one of the criteria will do (the API answers 422 without one): none is required on its own.
    for (const name of ['query', 'phone', 'email', 'date_of_birth']) expect(params.find((p) => p.name === name), name).toMatchObject({ required: false });
  });

  it("uses the guide's objects as examples, and they satisfy the schemas", () => {
    expect(Patient.parse(examples.patient)).toEqual(examples.patient);
    expect(PatientPage.parse(examples.patientPage)).toEqual(examples.patientPage);
    expect(AppointmentTypeList.parse(examples.appointmentTypes)).toEqual(examples.appointmentTypes);
    expect(Appointment.parse(examples.appointment)).toEqual(examples.appointment);
    expect(Problem.parse(examples.conflict)).toEqual(examples.conflict);
    expect(CreatePatientBody.safeParse(examples.createPatient).success).toBe(true);
    expect(BookAppointmentBody.safeParse(examples.bookAppointment).success).toBe(true);
  });

  it('is committed up to date, with the typed client generated from it (`npm run openapi`)', async () => {
    const { document: text, types } = await generateContract();
    expect(readFileSync(DOCUMENT_FILE, 'utf8'), 'shared/contract/openapi.json is stale: run npm run openapi').toBe(text);
    expect(readFileSync(TYPES_FILE, 'utf8'), 'shared/contract/api-types.ts is stale: run npm run openapi').toBe(types);
  });
});
