import { V1, type RouteSpec } from './spec.ts';
import { INDEXES } from '../db/table-definition.ts';
import { OrgPath } from '../schemas/common.ts';
import { PatientPage, SearchPatientsQuery } from '../schemas/patients.ts';

export const searchPatients = {
  method: 'GET',
  path: `${V1}/patients`,
  handler: 'search-patients',
  tag: 'Patients',
  summary: 'Search patients by name, phone, email or date of birth',
  description:
    'At least one criterion (otherwise 422 naming each); every criterion given must match. `query`: case- and accent-insensitive prefix match on first or last name; several words narrow the search: each must match the first or the last name (`jan smi` finds Jane Smith, not Jonathan Smith). `phone`: the digits, whatever the formatting (a leading 1 of an 11-digit number is dropped). `email`: exact, ignoring case. `date_of_birth`: exact. Archived patients only with `include_archived=true`. Ordered by last name, then first name.',
  scope: 'read',
  scopes: ['read'],
  table: 'read',
  audit: true,
  indexes: [INDEXES.patientsByName.name],
  request: { params: OrgPath, query: SearchPatientsQuery },
  responses: { 200: { description: 'One page of matching patients', schema: PatientPage } },
  errors: [422],
} as const satisfies RouteSpec;
