import { V1, type RouteSpec } from './spec.ts';
import { INDEXES } from '../db/table-definition.ts';
import { OrgPath } from '../schemas/common.ts';
import { AppointmentPage, ListAppointmentsQuery } from '../schemas/appointments.ts';

export const listAppointments = {
  method: 'GET',
  path: `${V1}/appointments`,
  handler: 'list-appointments',
  tag: 'Scheduling',
  summary: 'Day views: appointments in a date range',
  description: 'Filtered by location, provider, operatory, patient and status; ordered by start; paginated. Served by the appointments-by-start index.',
  scope: 'read',
  scopes: ['read'],
  table: 'read',
  indexes: [INDEXES.appointmentsByStart.name],
  request: { params: OrgPath, query: ListAppointmentsQuery },
  responses: { 200: { description: 'One page of appointments, by start', schema: AppointmentPage } },
  errors: [],
} as const satisfies RouteSpec;
