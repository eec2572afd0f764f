import * as z from 'zod';

/**
 * A uuid in the 8-4-4-4-12 hex form. Not restricted to RFC 9562 versions: the booking guide's own
 * example ids (`c3d4e5f6-a7b8-9012-…`) carry no valid version digit, and clients copy them.
 * Normalised to lower case so one id has one key.
 */
export const Uuid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a uuid')
  .transform((s) => s.toLowerCase());

export const OrgPath = z.strictObject({ org_id: Uuid });

/** A calendar date, `YYYY-MM-DD`, that exists. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'must be a real calendar date');

/** Wall-clock time in the location's time zone; an offset is needed only in a repeated (fall-back) hour. */
export const LocalDateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/,
    'must be an ISO 8601 local date-time such as 2025-05-20T10:00:00',
  );

/**
 * Query-string integers. On the wire they are text, so the schema parses text; the registry tells
 * the OpenAPI generator to describe them as what they mean (an integer with bounds and a default).
 */
export const queryIntegers = z.registry<{ minimum: number; maximum: number; default: number }>();

/** Query-string integer with bounds and a default. */
export const queryInt = (min: number, max: number, fallback: number) => {
  const schema = z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);
  queryIntegers.add(schema, { minimum: min, maximum: max, default: fallback });
  return schema;
};

export const queryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Trimmed, non-empty, bounded text. */
export const Text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const ProblemFieldError = z.object({ path: z.string(), message: z.string() });
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(ProblemFieldError).optional(),
  conflicts: z
    .array(
      z.object({
        resource: z.enum(['provider', 'operatory']),
        resource_uuid: z.string(),
        appointment_uuid: z.string(),
        slot_start: z.string(),
      }),
    )
    .optional(),
  current_status: z.string().optional(),
  requested_status: z.string().optional(),
});

/** `Idempotency-Key` of a create: any printable text up to 255 characters (a uuid is a good choice). */
export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1–255 printable characters')
    .optional()
    .describe('Makes the create safe to retry: the same key and body within 24 hours returns the first answer and creates nothing new.'),
});

/** `If-Match` of a change: the ETag of the version the client has (`"3"`), or `*`. */
export const IfMatchHeaders = z.object({
  'if-match': z
    .string()
    .max(200)
    .optional()
    .describe('The ETag from the last read; the change is refused with 412 if the appointment changed since.'),
});
