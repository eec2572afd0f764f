import * as z from 'zod/mini';

/**
 * A uuid in the 8-4-4-4-12 hex form. Not restricted to RFC 9562 versions: the booking guide's own
 * example ids (`c3d4e5f6-a7b8-9012-…`) carry no valid version digit, and clients copy them.
 * Normalised to lower case so one id has one key.
 */
export const Uuid = z.pipe(
  z.string().check(z.regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a uuid')),
  z.transform((s: string) => s.toLowerCase()),
);

export const OrgPath = z.strictObject({ org_id: Uuid });

/**
 * The dates every date and date-time input must fall in, inclusive: wide enough for any birth date,
 * working-hours period or booking, and narrow enough that date arithmetic never leaves four-digit
 * years (after 9999-12-31 ISO dates gain a sign and stop comparing as text).
 */
export const DATE_RANGE = { min: '1900-01-01', max: '2200-12-31' } as const;

/** Years 1900–2200: with a real month and day, exactly the dates of DATE_RANGE (and shown in the document). */
const YEAR_IN_RANGE = /^(?:19\d\d|2[01]\d\d|2200)-/;
const OUT_OF_RANGE = `must be between ${DATE_RANGE.min} and ${DATE_RANGE.max}`;

/** A calendar date, `YYYY-MM-DD`, that exists and lies in DATE_RANGE. */
export const IsoDate = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD', abort: true }),
  z.regex(YEAR_IN_RANGE, { message: OUT_OF_RANGE, abort: true }),
  z.refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'must be a real calendar date'),
);

/**
 * Wall-clock time in the location's time zone, its date in DATE_RANGE; an offset is needed only in a
 * repeated (fall-back) hour.
 */
export const LocalDateTime = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/, {
    message: 'must be an ISO 8601 local date-time such as 2025-05-20T10:00:00',
    abort: true,
  }),
  z.regex(YEAR_IN_RANGE, OUT_OF_RANGE),
);

/**
 * Query-string integers. On the wire they are text, so the schema parses text; the registry tells
 * the OpenAPI generator to describe them as what they mean (an integer with bounds and a default).
 */
export const queryIntegers = z.registry<{ minimum: number; maximum: number; default: number }>();

/** Query-string integer with bounds and a default. */
export const queryInt = (min: number, max: number, fallback: number) => {
  const schema = z._default(
    z.pipe(
      z.pipe(
        z.string().check(z.regex(/^\d+$/, { message: 'must be a whole number', abort: true })),
        // Any length of digits: a huge number is "too big", not "not a number".
        z.transform((digits: string) => Math.min(Number(digits), Number.MAX_SAFE_INTEGER)),
      ),
      z.number().check(z.int(), z.gte(min, `must be at least ${min}`), z.lte(max, `must be at most ${max}`)),
    ),
    fallback,
  );
  queryIntegers.add(schema, { minimum: min, maximum: max, default: fallback });
  return schema;
};

export const queryBoolean = z.pipe(
  z.enum(['true', 'false']),
  z.transform((v: 'true' | 'false') => v === 'true'),
);

// Text rules. Values end up in front-desk screens, exports and logs of other systems, so what could
// forge lines, reorder what a reader sees or look empty is refused rather than stored. Letters of
// every script, accents (composed or combining), apostrophes and hyphens are text like any other.

/** C0 and C1 controls and DEL, and the Unicode line and paragraph separators: none in one-line text. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const ONE_LINE = /^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$/;
/** Multi-line text keeps tab, LF and CR (a CR only before an LF: see NO_LONE_CR). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const MULTI_LINE = /^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$/;
const NO_LONE_CR = /\r(?!\n)/;
/** Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069): they reorder what a reader sees. */
const NO_BIDI_CONTROLS = /^[^\u202a-\u202e\u2066-\u2069]*$/;
/** Nothing a reader could see: blanks, zero-width and other default-ignorable characters, controls, format characters, the braille blank. */
const INVISIBLE_ONLY = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\u2800]*$/u;
/** A UTF-16 surrogate on its own (JSON can carry one; no encoding can store it). */
const LONE_SURROGATE = /\p{Cs}/u;

const textRules = (schema: z.ZodMiniString<string>, multiLine: boolean) =>
  schema.check(
    ...(multiLine
      ? [
          z.regex(MULTI_LINE, 'must not contain control characters other than tab and line breaks'),
          z.refine<string>((s) => !NO_LONE_CR.test(s), 'must end lines with \\n or \\r\\n, not a lone \\r'),
        ]
      : [z.regex(ONE_LINE, 'must be one line without control characters')]),
    z.regex(NO_BIDI_CONTROLS, 'must not contain bidirectional override, embedding or isolate characters'),
    z.refine<string>((s) => s === '' || !INVISIBLE_ONLY.test(s), 'must contain a visible character'),
    z.refine<string>((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode (no lone surrogates)'),
  );

/** Trimmed, non-empty, bounded one-line text (names, titles, search words) under the text rules above. */
export const Text = (max: number) => textRules(z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max)), false);

/**
 * Trimmed, bounded free text that may span lines (notes, reasons, addresses), for optional fields:
 * blank is no text (an empty address is no address), but invisible characters are not blank.
 */
export const MultiLineText = (max: number) => textRules(z.string().check(z.trim(), z.maxLength(max)), true);

export const ProblemFieldError = z.object({ path: z.string(), message: z.string() });
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().check(z.int()),
  detail: z.string(),
  instance: z.optional(z.string()),
  errors: z.optional(z.array(ProblemFieldError)),
  conflicts: z.optional(
    z.array(
      z.object({
        resource: z.enum(['provider', 'operatory']),
        resource_uuid: z.string(),
        appointment_uuid: z.string(),
        slot_start: z.string(),
      }),
    ),
  ),
  current_status: z.optional(z.string()),
  requested_status: z.optional(z.string()),
  existing_patient_uuid: z.optional(z.string()).check(z.describe('`possible-duplicate`: the patient that may be the same person.')),
});

/** `Idempotency-Key` of a create: any printable text up to 255 characters (a uuid is a good choice). */
export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .optional(z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/, 'must be 1–255 printable characters')))
    .check(z.describe('Makes the create safe to retry: the same key and body within 24 hours returns the first answer and creates nothing new.')),
});

/** One or more entity tags (`"3"`, `W/"3"`, comma-separated) or `*`; an empty tag (`""`) names no version. */
const ENTITY_TAGS = /^(?:\*|(?:W\/)?"[\x21\x23-\x7e]+"(?:[ \t]*,[ \t]*(?:W\/)?"[\x21\x23-\x7e]+")*)$/;

/** `If-Match` of a change: the ETag of the version the client has (`"3"`), or `*`. */
export const IfMatchHeaders = z.object({
  'if-match': z
    .optional(
      z.string().check(
        z.maxLength(200, { message: 'must be at most 200 characters', abort: true }),
        z.regex(ENTITY_TAGS, 'must be * or one or more ETags such as "3"'),
      ),
    )
    .check(z.describe('The ETag from the last read; the change is refused with 412 if the appointment changed since.')),
});

/** At least one field: an empty PATCH is a client bug worth naming. */
export const nonEmpty = <T extends z.ZodMiniObject>(schema: T) =>
  schema.check(z.refine((value) => Object.keys(value as object).length > 0, { message: 'send at least one field to change' }));

/** A live appointment a schedule change touches, as the change reports it (wall-clock times at its location). */
export const AffectedAppointment = z.object({
  uuid: z.string(),
  scheduled_start: z.string(),
  scheduled_end: z.string(),
  status: z.string(),
});
