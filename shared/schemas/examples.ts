/**
 * The booking guide's own example objects, used as examples in the OpenAPI document. Only the
 * document's generator imports this module, so no other function's bundle carries them.
 */
const jane = {
  uuid: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
  first_name: 'Jane',
  last_name: 'Smith',
  date_of_birth: '1986-04-12',
  primary_phone: '+1-415-555-0148',
  email: 'jane.smith@example.com',
  preferred_provider_uuid: 'd4e5f6a7-b8c9-0123-defa-234567890123',
  is_active: true,
  archived_at: null,
};

export const examples = {
  patient: jane,
  createPatient: {
    first_name: jane.first_name,
    last_name: jane.last_name,
    date_of_birth: jane.date_of_birth,
    primary_phone: jane.primary_phone,
    email: jane.email,
    preferred_provider_uuid: jane.preferred_provider_uuid,
  },
  patientPage: {
    items: [
      jane,
      {
        uuid: 'f0e1d2c3-b4a5-6789-0123-456789abcdef',
        first_name: 'Jonathan',
        last_name: 'Smith',
        date_of_birth: '1972-11-30',
        primary_phone: '+1-415-555-0223',
        email: 'j.smith@example.com',
        preferred_provider_uuid: null,
        is_active: true,
        archived_at: null,
      },
    ],
    page: 1,
    page_size: 5,
    total: 2,
  },
  appointmentTypes: {
    items: [
      { uuid: 'e6f7a8b9-c0d1-2345-efab-567890123456', code: 'EMG', name: 'Emergency Visit', duration_minutes: 30, color: '#dc2626', requires_exam: true, is_active: true },
      { uuid: 'c4d5e6f7-a8b9-0123-cdef-345678901234', code: 'HYG', name: 'Hygiene / Cleaning', duration_minutes: 45, color: '#059669', requires_exam: false, is_active: true },
      { uuid: 'b2c3d4e5-f6a7-8901-bcde-f12345678901', code: 'NPE', name: 'New Patient Exam', duration_minutes: 60, color: '#4f46e5', requires_exam: true, is_active: true },
    ],
    total: 3,
  },
  bookAppointment: {
    patient_uuid: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
    appointment_type_uuid: 'b2c3d4e5-f6a7-8901-bcde-f12345678901',
    location_uuid: 'c3d4e5f6-a7b8-9012-cdef-123456789012',
    provider_uuid: 'd4e5f6a7-b8c9-0123-defa-234567890123',
    scheduled_start: '2025-05-20T10:00:00',
    scheduled_end: '2025-05-20T11:00:00',
    notes: 'New patient — first visit',
  },
  appointment: {
    uuid: 'e5f6a7b8-c9d0-1234-efab-345678901234',
    status: 'scheduled',
    patient: { uuid: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890', first_name: 'Jane', last_name: 'Smith' },
    appointment_type: { uuid: 'b2c3d4e5-f6a7-8901-bcde-f12345678901', name: 'New Patient Exam', duration_minutes: 60, color: '#4f46e5' },
    scheduled_start: '2025-05-20T10:00:00',
    scheduled_end: '2025-05-20T11:00:00',
    time_zone: 'America/Los_Angeles',
    location: { uuid: 'c3d4e5f6-a7b8-9012-cdef-123456789012', name: 'Main Street Dental' },
    provider: { uuid: 'd4e5f6a7-b8c9-0123-defa-234567890123', first_name: 'Michael', last_name: 'Chen', title: 'DDS' },
    operatory: { uuid: '1a2b3c4d-0001-4000-8000-00000000a001', name: 'Operatory 1' },
    notes: 'New patient — first visit',
    created_at: '2025-05-10T14:32:00Z',
    status_history: [{ at: '2025-05-10T14:32:00Z', token_id: '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6', from: null, to: 'scheduled', reason: null }],
  },
  conflict: {
    type: 'urn:problem-type:dental-booking:slot-conflict',
    title: 'The time window is already booked',
    status: 409,
    detail: 'The provider d4e5f6a7-b8c9-0123-defa-234567890123 is already booked by appointment e5f6a7b8-c9d0-1234-efab-345678901234 at 2025-05-20T17:00:00Z.',
    instance: 'urn:request:5b1c0f7e-9a1d-4a3e-8f2b-1c2d3e4f5a6b',
    conflicts: [
      {
        resource: 'provider',
        resource_uuid: 'd4e5f6a7-b8c9-0123-defa-234567890123',
        appointment_uuid: 'e5f6a7b8-c9d0-1234-efab-345678901234',
        slot_start: '2025-05-20T17:00:00Z',
      },
    ],
  },
  /** A clinical note correcting an earlier one (POST …/appointments/{uuid}/notes). */
  createAppointmentNote: {
    text: 'Caries on tooth 18 (distal), not 19. Recheck in 6 weeks.',
    amends: '0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e',
    reason: 'Wrong tooth number in the first note.',
  },
  appointmentNote: {
    uuid: '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d',
    appointment_uuid: 'e5f6a7b8-c9d0-1234-efab-345678901234',
    text: 'Caries on tooth 18 (distal), not 19. Recheck in 6 weeks.',
    created_at: '2025-05-20T18:05:00.000Z',
    author: { token_id: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a', label: 'Dr. Chen chairside tablet' },
    amends: '0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e',
    reason: 'Wrong tooth number in the first note.',
    amended_by: [],
  },
  /** A page of the event feed (GET …/events): the guide's appointment booked, then confirmed. */
  eventFeed: {
    items: [
      {
        id: 'evt_01JTX9RBR0BPZQZF0EM8PW4BJT',
        type: 'appointment.booked',
        timestamp: '2025-05-10T14:32:00.000Z',
        org_id: '0d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6',
        data: { appointment_uuid: 'e5f6a7b8-c9d0-1234-efab-345678901234', location_uuid: 'c3d4e5f6-a7b8-9012-cdef-123456789012', status: 'scheduled', previous_status: null, version: '"1"' },
      },
      {
        id: 'evt_01JV1WDBH085P3S78ZANAZPQA0',
        type: 'appointment.confirmed',
        timestamp: '2025-05-12T09:15:00.000Z',
        org_id: '0d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6',
        data: { appointment_uuid: 'e5f6a7b8-c9d0-1234-efab-345678901234', location_uuid: 'c3d4e5f6-a7b8-9012-cdef-123456789012', status: 'confirmed', previous_status: 'scheduled', version: '"2"' },
      },
    ],
    next_after: 'evt_01JV1WDBH085P3S78ZANAZPQA0',
  },
} as const;
