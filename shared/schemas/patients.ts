import * as z from 'zod/mini';
import { IsoDate, OrgPath, Text, Uuid, queryInt } from './common.ts';

export const PATIENT_PAGE_SIZE = { default: 20, max: 100 } as const;

export const SearchPatientsQuery = z.strictObject({
  query: Text(100).check(z.describe('Name prefixes: each word must start the first or the last name (case and accents ignored).')),
  page: queryInt(1, 10_000, 1).check(z.describe('Page number, from 1.')),
  page_size: queryInt(1, PATIENT_PAGE_SIZE.max, PATIENT_PAGE_SIZE.default).check(z.describe('Patients per page.')),
});

export const PatientPath = z.extend(OrgPath, { patient_uuid: Uuid });

const Phone = z.string().check(z.trim(), z.regex(/^\+?[0-9][0-9 ().-]{5,30}$/, 'must be a phone number such as +1-415-555-0148'));

export const CreatePatientBody = z.strictObject({
  first_name: Text(100),
  last_name: Text(100),
  date_of_birth: IsoDate.check(z.refine((s) => s <= new Date().toISOString().slice(0, 10), 'must not be in the future')),
  primary_phone: z.optional(z.nullable(Phone)),
  email: z.optional(z.nullable(z.email('must be an email address').check(z.maxLength(254)))),
  preferred_provider_uuid: z.optional(z.nullable(Uuid)),
});
export type CreatePatientInput = z.infer<typeof CreatePatientBody>;

export const Patient = z.object({
  uuid: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  date_of_birth: z.string(),
  primary_phone: z.nullable(z.string()),
  email: z.nullable(z.string()),
  preferred_provider_uuid: z.nullable(z.string()),
});
export type Patient = z.infer<typeof Patient>;

export const PatientPage = z.object({
  items: z.array(Patient),
  page: z.number().check(z.int()),
  page_size: z.number().check(z.int()),
  total: z.number().check(z.int()),
});
