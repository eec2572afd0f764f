import * as z from 'zod/mini';
import { IsoDate, OrgPath, Text, Uuid, nonEmpty, queryBoolean, queryInt } from './common.ts';

export const PATIENT_PAGE_SIZE = { default: 20, max: 100 } as const;

/** A phone number as people write it: digits, spaces, dots, dashes and parentheses (`(415) 555-0148`), an optional leading `+`. */
const Phone = z.string().check(z.trim(), z.regex(/^\+?\(?[0-9][0-9 ().-]{5,30}$/, 'must be a phone number such as +1-415-555-0148'));
const Email = z.email('must be an email address').check(z.maxLength(254));

export const SearchPatientsQuery = z.strictObject({
  query: z.optional(Text(100)).check(z.describe('Name prefixes: each word must start the first or the last name (case and accents ignored).')),
  phone: z
    .optional(Phone)
    .check(
      z.describe(
        'Phone number, any formatting: only the digits count, and a leading 1 of an 11-digit number (NANP) is dropped, so `+1-415-555-0148`, `(415) 555-0148` and `4155550148` find the same patient.',
      ),
    ),
  email: z.optional(Email).check(z.describe('Email address, exact match ignoring case.')),
  date_of_birth: z.optional(IsoDate).check(z.describe('Date of birth, exact.')),
  include_archived: z.optional(queryBoolean).check(z.describe('`true` also finds archived patients (default `false`).')),
  page: queryInt(1, 10_000, 1).check(z.describe('Page number, from 1.')),
  page_size: queryInt(1, PATIENT_PAGE_SIZE.max, PATIENT_PAGE_SIZE.default).check(z.describe('Patients per page.')),
});
export type SearchPatientsInput = z.infer<typeof SearchPatientsQuery>;

export const PatientPath = z.extend(OrgPath, { patient_uuid: Uuid });

const patientFields = {
  first_name: Text(100),
  last_name: Text(100),
  date_of_birth: IsoDate.check(z.refine((s) => s <= new Date().toISOString().slice(0, 10), 'must not be in the future')),
  primary_phone: z.optional(z.nullable(Phone)),
  email: z.optional(z.nullable(Email)),
  preferred_provider_uuid: z.optional(z.nullable(Uuid)),
};

const AllowDuplicate = z
  .optional(z.boolean())
  .check(
    z.describe(
      '`true` creates (or changes) the patient even if another has the same date of birth and the same name, phone or email; otherwise that is a 409 `possible-duplicate` naming the existing patient.',
    ),
  );

export const CreatePatientBody = z.strictObject({ ...patientFields, allow_duplicate: AllowDuplicate });
export type CreatePatientInput = z.infer<typeof CreatePatientBody>;

export const UpdatePatientBody = nonEmpty(
  z.strictObject({
    first_name: z.optional(patientFields.first_name),
    last_name: z.optional(patientFields.last_name),
    date_of_birth: z.optional(patientFields.date_of_birth),
    primary_phone: patientFields.primary_phone,
    email: patientFields.email,
    preferred_provider_uuid: patientFields.preferred_provider_uuid,
    is_active: z
      .optional(z.boolean())
      .check(z.describe('`false` archives the patient (out of search unless `include_archived=true`, no new bookings; appointments and history stay readable); `true` restores it.')),
    allow_duplicate: AllowDuplicate,
  }),
);
export type UpdatePatientInput = z.infer<typeof UpdatePatientBody>;

export const Patient = z.object({
  uuid: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  date_of_birth: z.string(),
  primary_phone: z.nullable(z.string()),
  email: z.nullable(z.string()),
  preferred_provider_uuid: z.nullable(z.string()),
  is_active: z.boolean().check(z.describe('`false` once archived.')),
  archived_at: z.nullable(z.string()).check(z.describe('When the patient was archived (UTC); null while active.')),
});
export type Patient = z.infer<typeof Patient>;

export const PatientPage = z.object({
  items: z.array(Patient),
  page: z.number().check(z.int()),
  page_size: z.number().check(z.int()),
  total: z.number().check(z.int()),
});
