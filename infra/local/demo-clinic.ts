/**
 * The demo clinic `npm start` loads: the booking guide's own examples, with the guide's uuids and
 * values, so the guide's requests work as written against localhost — plus what a demo needs
 * (three chairs, a hygienist, Dr. Chen's hours). Loading it twice changes nothing: every item is
 * created with a fixed uuid and only if it does not exist.
 */
import { createPatient } from '#shared/domain/patients.ts';
import { createAppointmentType } from '#shared/domain/appointment-types.ts';
import { createLocation } from '#shared/domain/locations.ts';
import { createOperatory } from '#shared/domain/operatories.ts';
import { createOrg } from '#shared/domain/settings.ts';
import { createProvider } from '#shared/domain/providers.ts';
import { putWorkingHours } from '#shared/domain/schedule.ts';
import { getPatient } from '#shared/domain/patients.ts';
import type { CreatePatientInput } from '#shared/schemas/patients.ts';
import { ApiError } from '#shared/errors.ts';
import { examples } from '#shared/schemas/examples.ts';

export const DEMO = {
  orgId: '0d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6',
  location: { uuid: 'c3d4e5f6-a7b8-9012-cdef-123456789012', name: 'Main Street Dental', time_zone: 'America/Los_Angeles', address: '100 Main Street, San Francisco, CA 94105' },
  drChen: { uuid: 'd4e5f6a7-b8c9-0123-defa-234567890123', first_name: 'Michael', last_name: 'Chen', title: 'DDS', can_examine: true },
  /** A hygienist does not examine: the exam types (NPE, EMG) book only with Dr. Chen. */
  hygienist: { uuid: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d', first_name: 'Sarah', last_name: 'Patel', title: 'RDH', can_examine: false },
  operatories: [
    { uuid: '1a2b3c4d-0001-4000-8000-00000000a001', name: 'Operatory 1' },
    { uuid: '1a2b3c4d-0002-4000-8000-00000000a002', name: 'Operatory 2' },
    { uuid: '1a2b3c4d-0003-4000-8000-00000000a003', name: 'Operatory 3 (Hygiene)' },
  ],
  /** The guide's three appointment types. */
  types: examples.appointmentTypes.items,
  /** The guide's Jane and Jonathan Smith, exactly as its search response shows them. */
  patients: examples.patientPage.items,
} as const;

const weekdays = (intervals: { start: string; end: string }[]) => ({ monday: intervals, tuesday: intervals, wednesday: intervals, thursday: intervals, friday: intervals });

export async function loadDemoClinic(): Promise<void> {
  const orgId = DEMO.orgId;
  await createOrg({ uuid: orgId, name: 'Main Street Dental Group' });
  await createLocation(orgId, DEMO.location);
  for (const operatory of DEMO.operatories) await createOperatory(orgId, { ...operatory, location_uuid: DEMO.location.uuid });
  await createProvider(orgId, DEMO.drChen);
  await createProvider(orgId, DEMO.hygienist);
  await putWorkingHours(orgId, DEMO.drChen.uuid, DEMO.location.uuid, { weekly: weekdays([{ start: '08:00', end: '17:00' }]) }, { onlyIfAbsent: true, timeZone: DEMO.location.time_zone });
  await putWorkingHours(
    orgId,
    DEMO.hygienist.uuid,
    DEMO.location.uuid,
    { weekly: { ...weekdays([{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }]), saturday: [{ start: '09:00', end: '13:00' }] } },
    { onlyIfAbsent: true, timeZone: DEMO.location.time_zone },
  );
  for (const type of DEMO.types) await createAppointmentType(orgId, type);
  for (const { uuid, ...patient } of DEMO.patients) {
    const exists = await getPatient(orgId, uuid).then(
      () => true,
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return false;
        throw error;
      },
    );
    if (!exists) await createPatient(orgId, patient as CreatePatientInput, uuid);
  }
}
