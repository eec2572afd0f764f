import { V1, type RouteSpec } from './spec.ts';
import { INDEXES } from '../db/table-definition.ts';
import { IfMatchHeaders } from '../schemas/common.ts';
import { Patient, PatientPath, UpdatePatientBody } from '../schemas/patients.ts';

export const updatePatient = {
  method: 'PATCH',
  path: `${V1}/patients/{patient_uuid}`,
  handler: 'update-patient',
  tag: 'Patients',
  summary: 'Change, archive or restore a patient',
  description:
    'Any field of the create body; `null` clears an optional one. `is_active: false` archives the patient (`archived_at` is set): it drops out of search unless `include_archived=true` and can no longer be booked (422 naming `body.patient_uuid`), while its appointments and history stay readable and can still be moved or have their status changed; `is_active: true` restores it. A change that gives the patient the same date of birth and the same name, phone or email as another is a 409 `possible-duplicate` naming that patient (`existing_patient_uuid`), unless `allow_duplicate: true`. Send the ETag of the last read as `If-Match` and a change made in between is a 412; without it the change applies to the current version.',
  scope: 'write',
  scopes: ['write'],
  table: 'read-write',
  audit: true,
  indexes: [INDEXES.patientsByName.name],
  request: { params: PatientPath, headers: IfMatchHeaders, body: UpdatePatientBody },
  responses: { 200: { description: 'The patient, changed', schema: Patient, headers: { ETag: 'Its new version' } } },
  errors: [404, 409, 412, 422],
} as const satisfies RouteSpec;
