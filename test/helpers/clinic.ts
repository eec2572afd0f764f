/**
 * A fresh clinic per test file: its own organisation (so files never see each other's data), a
 * location in America/Los_Angeles with three chairs, two providers, the guide's appointment types,
 * two patients and a token with every scope.
 */
import { randomUUID } from 'node:crypto';
import { createAppointmentType } from '#shared/domain/appointment-types.ts';
import { createLocation } from '#shared/domain/locations.ts';
import { createOperatory } from '#shared/domain/operatories.ts';
import { createOrg } from '#shared/domain/settings.ts';
import { createProvider } from '#shared/domain/providers.ts';
import { createPatient } from '#shared/domain/patients.ts';
import { ALL_SCOPES, createToken } from '#shared/domain/tokens.ts';
import { putWorkingHours } from '#shared/domain/schedule.ts';
import { WEEKDAYS } from '#shared/schemas/practice.ts';
import type { Scope } from '#shared/routes.ts';

/**
 * Hours every day, all day: tests about booking mechanics (conflicts, DST, concurrency) are not
 * about working hours, which their own tests cover.
 */
export async function worksAroundTheClock(orgId: string, providerId: string, locationId: string) {
  await putWorkingHours(orgId, providerId, locationId, { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ start: '00:00', end: '24:00' }]])) });
}

export async function createTestClinic(options: { granularity?: number; operatories?: number; workingHours?: boolean } = {}) {
  const org = await createOrg({ name: `Test clinic ${randomUUID().slice(0, 8)}`, slot_granularity_minutes: options.granularity ?? 15, booking_horizon_days: 730 });
  const orgId = org.uuid;
  const location = await createLocation(orgId, { name: 'Main Street Dental', time_zone: 'America/Los_Angeles' });
  const operatories = [];
  for (let i = 1; i <= (options.operatories ?? 3); i++) {
    operatories.push(await createOperatory(orgId, { location_uuid: location.uuid, name: `Operatory ${i}` }));
  }
  const dentist = await createProvider(orgId, { first_name: 'Michael', last_name: 'Chen', title: 'DDS' });
  const hygienist = await createProvider(orgId, { first_name: 'Sarah', last_name: 'Patel', title: 'RDH' });
  if (options.workingHours !== false) {
    for (const p of [dentist, hygienist]) await worksAroundTheClock(orgId, p.uuid, location.uuid);
  }
  const exam = await createAppointmentType(orgId, { code: 'NPE', name: 'New Patient Exam', duration_minutes: 60, color: '#4f46e5', requires_exam: true });
  const cleaning = await createAppointmentType(orgId, { code: 'HYG', name: 'Hygiene / Cleaning', duration_minutes: 45, color: '#059669', requires_exam: false });
  const archived = await createAppointmentType(orgId, {
    code: 'OLD',
    name: 'Archived Visit',
    duration_minutes: 30,
    color: '#000000',
    requires_exam: false,
    is_active: false,
  });
  const jane = await createPatient(orgId, {
    first_name: 'Jane',
    last_name: 'Smith',
    date_of_birth: '1986-04-12',
    primary_phone: '+1-415-555-0148',
    email: 'jane.smith@example.com',
    preferred_provider_uuid: dentist.uuid,
  });
  const jonathan = await createPatient(orgId, { first_name: 'Jonathan', last_name: 'Smith', date_of_birth: '1972-11-30' });
  const token = (await createToken(orgId, { scopes: ALL_SCOPES, label: 'test' })).secret;
  return { orgId, org, location, operatories, dentist, hygienist, types: { exam, cleaning, archived }, patients: { jane, jonathan }, token };
}

export type TestClinic = Awaited<ReturnType<typeof createTestClinic>>;

export async function tokenFor(orgId: string, scopes: readonly Scope[]) {
  return (await createToken(orgId, { scopes, label: 'test' })).secret;
}
