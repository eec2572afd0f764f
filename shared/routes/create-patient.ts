import { V1, type RouteSpec } from './spec.ts';
import { IdempotencyHeaders, OrgPath } from '../schemas/common.ts';
import { CreatePatientBody, Patient } from '../schemas/patients.ts';

export const createPatient = {
  method: 'POST',
  path: `${V1}/patients`,
  handler: 'create-patient',
  tag: 'Patients',
  summary: 'Create a patient',
  scope: 'write',
  scopes: ['write'],
  table: 'read-write',
  audit: true,
  request: { params: OrgPath, headers: IdempotencyHeaders, body: CreatePatientBody },
  responses: {
    201: { description: 'The patient, created', schema: Patient, headers: { Location: 'The new patient’s URL' } },
  },
  errors: [422],
} as const satisfies RouteSpec;
