import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { AppointmentTypeList, ListAppointmentTypesQuery } from '../schemas/appointment-types.ts';

export const listAppointmentTypes = {
  method: 'GET',
  path: `${V1}/appointment-types`,
  handler: 'list-appointment-types',
  tag: 'Scheduling',
  summary: "List the practice's appointment types",
  description: 'Ordered by name. `is_active=true` leaves out archived types.',
  scope: 'read',
  scopes: ['read', 'admin'],
  table: 'read',
  request: { params: OrgPath, query: ListAppointmentTypesQuery },
  responses: { 200: { description: 'The appointment types', schema: AppointmentTypeList } },
  errors: [],
} as const satisfies RouteSpec;
