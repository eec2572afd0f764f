import { V1, type RouteSpec } from './spec.ts';
import { Patient, PatientPath } from '../schemas/patients.ts';

export const getPatient = {
  method: 'GET',
  path: `${V1}/patients/{patient_uuid}`,
  handler: 'get-patient',
  tag: 'Patients',
  summary: 'Read a patient',
  scope: 'read',
  scopes: ['read'],
  table: 'read',
  audit: true,
  request: { params: PatientPath },
  responses: { 200: { description: 'The patient', schema: Patient, headers: { ETag: 'Its version, for If-Match' } } },
  errors: [404],
} as const satisfies RouteSpec;
