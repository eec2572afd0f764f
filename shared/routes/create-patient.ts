import { V1, type RouteSpec } from './spec.ts';
import { IdempotencyHeaders, OrgPath } from '../schemas/common.ts';
import { CreatePatientBody, Patient } from '../schemas/patients.ts';

export const createPatient = {
  method: 'POST',
  path: `${V1}/patients`,
  handler: 'create-patient',
  tag: 'Patients',
  summary: 'Create a patient',
  description:
    'A patient with the same date of birth as an existing one (archived ones included) and the same first and last name (case, accents and punctuation ignored), or the same phone (digits), or the same email (ignoring case) is a possible duplicate: 409 `possible-duplicate` naming the existing patient in `existing_patient_uuid` (the values sent are never repeated), unless the body says `allow_duplicate: true`. Of two identical creates sent at once, one is created and the other gets the 409.',
  scope: 'write',
  scopes: ['write'],
  table: 'read-write',
  audit: true,
  request: { params: OrgPath, headers: IdempotencyHeaders, body: CreatePatientBody },
  responses: {
    201: { description: 'The patient, created', schema: Patient, headers: { Location: 'The new patient’s URL' } },
  },
  errors: [409, 422],
} as const satisfies RouteSpec;
