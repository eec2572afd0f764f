/**
 * The input rules every route shares (shared/schemas/common.ts): free text, the date range, query
 * integers and If-Match. Accepted and refused examples, then the same rules checked on every field
 * of every route in the table, so a new field cannot slip past them.
 */
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { routeList } from '#shared/routes.ts';
import { DATE_RANGE, IfMatchHeaders, IsoDate, LocalDateTime, MultiLineText, Text, queryInt } from '#shared/schemas/common.ts';
import { CreatePatientBody } from '#shared/schemas/patients.ts';
import { BookAppointmentBody } from '#shared/schemas/appointments.ts';

const messagesOf = (schema: z.ZodMiniType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
};

/** Names from many scripts and spellings; NFC and NFD forms of the accented ones. */
const NAMES = [
  'José',
  'José'.normalize('NFD'),
  '李',
  '李小龍',
  'Ngũgĩ',
  'Ngũgĩ'.normalize('NFD'),
  'Nguyễn',
  'Nguyễn'.normalize('NFD'),
  "O'Brien",
  'O’Brien',
  'Anne-Marie',
  'Zoë Ødegård',
  'Łukasz Żółć',
  'Σωκράτης',
  'Иван',
  'محمد',
  'שרה',
  'गीता',
  '김민준',
  'Nǃxau',
  // Persian names keep their zero-width non-joiner; right-to-left marks are ordinary text.
  'نرگس\u200cزاده',
  'abc\u200f',
  'Dr. Smith, Jr.',
  '  Jane  ',
];

describe('one-line text (names, titles, search words)', () => {
  const name = Text(100);

  it.each(NAMES)('accepts %j', (value) => {
    expect(messagesOf(name, value)).toEqual([]);
  });

  it('trims, and keeps the letters as sent (composed or not)', () => {
    expect(name.parse('  Jane  ')).toBe('Jane');
    const decomposed = 'Nguyễn'.normalize('NFD');
    expect(name.parse(decomposed)).toBe(decomposed);
  });

  it.each([
    ['NUL', 'Ja\u0000ne', 'must be one line without control characters'],
    ['line feed inside', 'Jane\nSmith', 'must be one line without control characters'],
    ['carriage return inside', 'Jane\rSmith', 'must be one line without control characters'],
    ['tab inside', 'Jane\tSmith', 'must be one line without control characters'],
    ['escape sequence', 'Jane\u001b[31m', 'must be one line without control characters'],
    ['DEL', 'Jane\u007f', 'must be one line without control characters'],
    ['C1 next line', 'Jane\u0085Smith', 'must be one line without control characters'],
    ['C1 CSI', 'Jane\u009bSmith', 'must be one line without control characters'],
    ['line separator', 'Jane\u2028Smith', 'must be one line without control characters'],
    ['paragraph separator', 'Jane\u2029Smith', 'must be one line without control characters'],
    ['right-to-left override', '\u202eevil', 'must not contain bidirectional override, embedding or isolate characters'],
    ['left-to-right embedding', 'a\u202ab', 'must not contain bidirectional override, embedding or isolate characters'],
    ['pop directional formatting', 'ab\u202c', 'must not contain bidirectional override, embedding or isolate characters'],
    ['isolates', '\u2066x\u2069', 'must not contain bidirectional override, embedding or isolate characters'],
    ['first strong isolate', 'x\u2068y', 'must not contain bidirectional override, embedding or isolate characters'],
    ['zero-width space only', '\u200b', 'must contain a visible character'],
    ['zero-width joiners only', '\u200b\u200c\u200d\u2060', 'must contain a visible character'],
    ['byte order mark between blanks', ' \ufeff\u200b ', 'must contain a visible character'],
    ['soft hyphen only', '\u00ad', 'must contain a visible character'],
    ['Hangul filler only', '\u3164', 'must contain a visible character'],
    ['braille blank only', '\u2800\u2800', 'must contain a visible character'],
    ['combining grapheme joiner only', '\u034f', 'must contain a visible character'],
    ['lone high surrogate', 'Jane\ud800', 'must be well-formed Unicode (no lone surrogates)'],
    ['lone low surrogate', '\udc00Jane', 'must be well-formed Unicode (no lone surrogates)'],
    ['empty', '', 'must not be empty'],
    ['blanks only', ' \u00a0\u2003\u3000 ', 'must not be empty'],
  ])('refuses %s', (_, value, message) => {
    expect(messagesOf(name, value)).toContain(message);
  });

  it('refuses text over its length', () => {
    expect(messagesOf(Text(5), 'abcdef')).toHaveLength(1);
    expect(messagesOf(Text(5), 'abcde')).toEqual([]);
  });
});

describe('multi-line text (notes, reasons, addresses)', () => {
  const notes = MultiLineText(2000);

  it.each([...NAMES, 'Line 1\nLine 2', 'Line 1\r\nLine 2\r\n\r\nLine 4', 'Tooth\t14\tmesial', 'Prefers mornings 🙂', 'Needs wheelchair access; «interpreter»'])(
    'accepts %j',
    (value) => {
      expect(messagesOf(notes, value)).toEqual([]);
    },
  );

  it.each([
    ['NUL', 'a\u0000b', 'must not contain control characters other than tab and line breaks'],
    ['vertical tab', 'a\u000bb', 'must not contain control characters other than tab and line breaks'],
    ['form feed', 'a\u000cb', 'must not contain control characters other than tab and line breaks'],
    ['escape sequence', 'red \u001b[31m text', 'must not contain control characters other than tab and line breaks'],
    ['C1 control', 'a\u0090b', 'must not contain control characters other than tab and line breaks'],
    ['a lone carriage return', 'overwrite\rme', 'must end lines with \\n or \\r\\n, not a lone \\r'],
    ['right-to-left override', 'note \u202egnp.exe', 'must not contain bidirectional override, embedding or isolate characters'],
    ['invisible lines', '\u200b\n\u200b\r\n\t\u200d', 'must contain a visible character'],
    ['lone surrogate', 'note \ud83d', 'must be well-formed Unicode (no lone surrogates)'],
  ])('refuses %s', (_, value, message) => {
    expect(messagesOf(notes, value)).toContain(message);
  });

  it('takes blank as no text (these fields are optional), but not invisible characters', () => {
    expect(notes.parse(' \n\r\n\t ')).toBe('');
    expect(messagesOf(notes, '\n\u200b\n')).toEqual(['must contain a visible character']);
  });
});

describe('the date range', () => {
  it(`is ${DATE_RANGE.min} to ${DATE_RANGE.max}, inclusive, for dates`, () => {
    for (const ok of ['1900-01-01', '1999-12-31', '2024-02-29', '2100-06-15', '2200-12-31']) expect(messagesOf(IsoDate, ok), ok).toEqual([]);
    for (const out of ['0001-01-01', '0000-01-01', '1899-12-31', '2201-01-01', '9999-12-30', '9999-12-31']) {
      expect(messagesOf(IsoDate, out), out).toEqual(['must be between 1900-01-01 and 2200-12-31']);
    }
    for (const malformed of ['+010000-01-01', '-000001-01-01', '10000-01-01', '2025-1-1', '']) {
      expect(messagesOf(IsoDate, malformed), malformed).toEqual(['must be a date as YYYY-MM-DD']);
    }
    expect(messagesOf(IsoDate, '2100-02-29')).toEqual(['must be a real calendar date']);
  });

  it('and for wall-clock date-times', () => {
    for (const ok of ['1900-01-01T00:00:00', '2200-12-31T23:59', '2200-12-31T23:59:59.999', '2026-11-01T01:30:00-08:00']) {
      expect(messagesOf(LocalDateTime, ok), ok).toEqual([]);
    }
    for (const out of ['0001-01-01T00:00:00', '1899-12-31T23:59:59', '2201-01-01T00:00:00', '9999-12-31T23:59:59', '2201-01-01T00:00:00Z']) {
      expect(messagesOf(LocalDateTime, out), out).toEqual(['must be between 1900-01-01 and 2200-12-31']);
    }
    expect(messagesOf(LocalDateTime, '+010000-01-01T00:00:00')).toEqual(['must be an ISO 8601 local date-time such as 2025-05-20T10:00:00']);
  });

  it('names the field in a real body', () => {
    const result = BookAppointmentBody.safeParse({
      patient_uuid: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
      appointment_type_uuid: 'b2c3d4e5-f6a7-8901-bcde-f12345678901',
      location_uuid: 'c3d4e5f6-a7b8-9012-cdef-123456789012',
      provider_uuid: 'd4e5f6a7-b8c9-0123-defa-234567890123',
      scheduled_start: '9999-12-31T10:00:00',
      scheduled_end: '2027-05-20T11:00:00',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['scheduled_start']);
  });

  it('keeps a birth date on or after 1900-01-01 and not in the future', () => {
    const patient = (date_of_birth: string) => messagesOf(CreatePatientBody, { first_name: 'Jane', last_name: 'Smith', date_of_birth });
    expect(patient('1900-01-01')).toEqual([]);
    expect(patient('1899-12-31')).toEqual(['must be between 1900-01-01 and 2200-12-31']);
    expect(patient('2200-12-31')).toEqual(['must not be in the future']);
  });
});

describe('query integers', () => {
  const page = queryInt(1, 10_000, 1);

  it('take whole numbers within their bounds, however many digits are sent', () => {
    expect(page.parse(undefined)).toBe(1);
    expect(page.parse('10000')).toBe(10_000);
    expect(page.parse('00042')).toBe(42);
    expect(messagesOf(page, '10001')).toEqual(['must be at most 10000']);
    expect(messagesOf(page, '9'.repeat(400))).toEqual(['must be at most 10000']);
    expect(messagesOf(page, '0')).toEqual(['must be at least 1']);
    for (const bad of ['-1', '1e3', '1.5', ' 1', '', '0x10']) expect(messagesOf(page, bad), bad).toEqual(['must be a whole number']);
  });
});

describe('If-Match', () => {
  const ifMatch = (value: string) => messagesOf(IfMatchHeaders, { 'if-match': value });

  it('takes *, or one or more entity tags', () => {
    for (const ok of ['*', '"3"', 'W/"3"', '"3", "4"', '"3",W/"4"']) expect(ifMatch(ok), ok).toEqual([]);
    expect(messagesOf(IfMatchHeaders, {})).toEqual([]);
  });

  it('refuses an empty or malformed one', () => {
    for (const bad of ['""', '', '"', '3', '"3', 'W/""', '"3",', '"a b"', '* , "3"']) expect(ifMatch(bad), bad).toEqual(['must be * or one or more ETags such as "3"']);
    expect(ifMatch(`"${'1'.repeat(300)}"`)).toEqual(['must be at most 200 characters']);
  });
});

describe('every field of every route', () => {
  /** Each field of a route's path, query, header and body schemas (objects, also refined ones). */
  const fields = routeList.flatMap((route) =>
    (['params', 'query', 'headers', 'body'] as const).flatMap((part) => {
      const shape = (route.request[part] as { shape?: Record<string, z.ZodMiniType> } | undefined)?.shape ?? {};
      return Object.entries(shape).map(([name, schema]) => ({ label: `${route.name} ${part}.${name}`, schema }));
    }),
  );

  it('are found (the table has fields to check)', () => {
    expect(fields.length).toBeGreaterThan(50);
  });

  it('refuse control characters, bidirectional controls, invisible-only values and lone surrogates', () => {
    const hostile = ['a\u0000b', 'Jane\u001b[2J', '\u202eevil\u202c', 'x\u2066y\u2069', '\u200b', '\u200b\u200d\ufeff', '\u3164', 'x\ud800'];
    for (const { label, schema } of fields) {
      for (const value of hostile) expect(schema.safeParse(value).success, `${label} accepted ${JSON.stringify(value)}`).toBe(false);
    }
  });

  /** A field that takes a date (or date-time) but neither a word nor a phone number: every date input, found by behaviour. */
  const dateFields = fields.filter(
    ({ schema }) =>
      (schema.safeParse('2025-05-20').success || schema.safeParse('2025-05-20T10:00:00').success) &&
      !schema.safeParse('Jane').success &&
      !schema.safeParse('415-555-0148').success,
  );

  it('with a date refuse dates and date-times outside the range', () => {
    expect(dateFields.map((f) => f.label)).toEqual(
      expect.arrayContaining([
        'createPatient body.date_of_birth',
        'listAppointments query.date_from',
        'listAppointments query.date_to',
        'getAvailability query.date_from',
        'listTimeOff query.date_to',
        'bookAppointment body.scheduled_start',
        'updateAppointment body.scheduled_end',
        'createTimeOff body.start',
        'putWorkingHours body.effective_from',
        'putWorkingHours body.effective_to',
      ]),
    );
    const outside = ['0001-01-01', '1899-12-31', '2201-01-01', '9999-12-31', '+010000-01-01', '0001-01-01T00:00:00', '1899-12-31T23:59:00', '2201-01-01T00:00:00', '9999-12-31T10:00:00'];
    for (const { label, schema } of dateFields) {
      for (const value of outside) expect(schema.safeParse(value).success, `${label} accepted ${value}`).toBe(false);
      const first = schema.safeParse('1900-01-01').success || schema.safeParse('1900-01-01T00:00:00').success;
      expect(first, `${label} refused the first day of the range`).toBe(true);
    }
  });
});
