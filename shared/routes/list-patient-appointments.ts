import { V1, type RouteSpec } from './spec.ts';
import { INDEXES } from '../db/table-definition.ts';
import { PatientPath } from '../schemas/patients.ts';
import { AppointmentPage, PatientAppointmentsQuery } from '../schemas/appointments.ts';

export const listPatientAppointments = {
  method: 'GET',
  path: `${V1}/patients/{patient_uuid}/appointments`,
  handler: 'list-patient-appointments',
  tag: 'Patients',
  summary: "A patient's appointments",
  description: 'Ordered by start, paginated, optionally filtered by status. Served by the appointments-by-patient index.',
  scope: 'read',
  scopes: ['read'],
  table: 'read',
  audit: true,
  indexes: [INDEXES.appointmentsByPatient.name],
  request: { params: PatientPath, query: PatientAppointmentsQuery },
  responses: { 200: { description: 'One page of the patient’s appointments, by start', schema: AppointmentPage } },
  errors: [404],
} as const satisfies RouteSpec;
