/**
 * Availability and booking agree, for random practices: every window availability returns books
 * with 201 right after, a booked window (and whatever overlaps it for that provider) leaves
 * availability, and no window is ever outside the provider's working hours or inside time off.
 * Random schedules run against the real API and DynamoDB Local (fast-check, bounded runs).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { createTestClinic } from '../helpers/clinic.ts';
import { client } from '../helpers/local-api.ts';
import { useLocalApi } from '../helpers/use-clinic.ts';
import { WEEKDAYS } from '#shared/schemas/practice.ts';

const LA = 'America/Los_Angeles';
const api = useLocalApi();

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Up to three non-overlapping intervals of a day, on 5-minute boundaries. */
const dayIntervals = fc
  .uniqueArray(fc.integer({ min: 6 * 12, max: 20 * 12 }), { minLength: 0, maxLength: 6 })
  .map((points) => [...points].sort((a, b) => a - b).map((p) => p * 5))
  .map((points) => {
    const intervals: { start: string; end: string }[] = [];
    for (let i = 0; i + 1 < points.length; i += 2) intervals.push({ start: hhmm(points[i]!), end: hhmm(points[i + 1]!) });
    return intervals;
  });

const weekly = fc.record(Object.fromEntries(WEEKDAYS.map((d) => [d, dayIntervals])) as Record<(typeof WEEKDAYS)[number], typeof dayIntervals>);

const scenario = fc.record({
  granularity: fc.constantFrom(5, 10, 15),
  operatories: fc.integer({ min: 1, max: 3 }),
  hours: fc.array(weekly, { minLength: 1, maxLength: 2 }),
  durationSteps: fc.integer({ min: 1, max: 8 }),
  dayOffset: fc.integer({ min: 3, max: 20 }),
  timeOff: fc.option(fc.record({ startMinute: fc.integer({ min: 6 * 12, max: 19 * 12 }), lengthSteps: fc.integer({ min: 1, max: 36 }) }), { nil: undefined }),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
});

function insideHours(start: string, end: string, week: Record<string, { start: string; end: string }[]>): boolean {
  const s = DateTime.fromISO(start, { zone: LA, setZone: false }).setZone(LA);
  const e = DateTime.fromISO(end, { zone: LA, setZone: false }).setZone(LA);
  if (s.toISODate() !== e.toISODate() && !(e.hour === 0 && e.minute === 0)) return false;
  const day = WEEKDAYS[s.weekday - 1]!;
  const from = s.hour * 60 + s.minute;
  const to = e.toISODate() === s.toISODate() ? e.hour * 60 + e.minute : 24 * 60;
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  // Real duration equals wall duration on ordinary days (the generator stays clear of DST nights: 06:00–20:00).
  return (week[day] ?? []).some((i) => minutes(i.start) <= from && to <= minutes(i.end));
}

describe('availability against booking (property)', () => {
  it('shows only bookable windows inside working hours, and booking removes them', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const clinic = await createTestClinic({ granularity: sc.granularity, operatories: sc.operatories, workingHours: false });
        const http = client(api.baseUrl, clinic.token);
        const base = `/api/v1/${clinic.orgId}`;
        const providers = [clinic.dentist, clinic.hygienist].slice(0, sc.hours.length);
        for (const [i, p] of providers.entries()) {
          const put = await http.call('PUT', `${base}/providers/${p.uuid}/working-hours/${clinic.location.uuid}`, { body: { weekly: sc.hours[i] } });
          expect(put.status).toBe(200);
        }
        const day = DateTime.now().setZone(LA).plus({ days: sc.dayOffset }).toISODate()!;
        let off: { start: number; end: number } | undefined;
        if (sc.timeOff) {
          const start = `${day}T${hhmm(sc.timeOff.startMinute * 5)}:00`;
          const end = DateTime.fromISO(start, { zone: LA }).plus({ minutes: sc.timeOff.lengthSteps * 5 });
          const res = await http.post(`${base}/time-off`, { provider_uuid: providers[0]!.uuid, location_uuid: clinic.location.uuid, start, end: end.toFormat("yyyy-LL-dd'T'HH:mm:ss") });
          expect(res.status).toBe(201);
          off = { start: DateTime.fromISO(start, { zone: LA }).toMillis(), end: end.toMillis() };
        }
        const duration = sc.durationSteps * sc.granularity;
        const query = `location_uuid=${clinic.location.uuid}&appointment_type_uuid=${clinic.types.exam.uuid}&date_from=${day}&date_to=${day}&duration_minutes=${duration}`;
        let windows = (await http.get(`${base}/schedule/availability?${query}`)).body.items as any[];

        for (const w of windows) {
          const providerIndex = providers.findIndex((p) => p.uuid === w.provider.uuid);
          expect(insideHours(w.scheduled_start, w.scheduled_end, sc.hours[providerIndex]!), `${w.scheduled_start} for provider ${providerIndex}`).toBe(true);
          const start = DateTime.fromISO(w.scheduled_start, { zone: LA }).toMillis();
          expect(DateTime.fromISO(w.scheduled_start, { zone: LA }).minute % sc.granularity).toBe(0);
          if (off && providerIndex === 0) expect(start >= off.end || start + duration * 60_000 <= off.start).toBe(true);
        }

        for (const pick of sc.picks) {
          if (windows.length === 0) break;
          const w = windows[pick % windows.length];
          const booked = await http.post(`${base}/appointments`, {
            patient_uuid: clinic.patients.jane.uuid,
            appointment_type_uuid: clinic.types.exam.uuid,
            location_uuid: clinic.location.uuid,
            provider_uuid: w.provider.uuid,
            operatory_uuid: w.operatories[pick % w.operatories.length].uuid,
            scheduled_start: w.scheduled_start,
            scheduled_end: w.scheduled_end,
          });
          expect(booked.status, JSON.stringify(booked.body)).toBe(201);
          const s = DateTime.fromISO(w.scheduled_start, { zone: LA }).toMillis();
          const e = s + duration * 60_000;
          windows = (await http.get(`${base}/schedule/availability?${query}`)).body.items;
          const overlapping = windows.filter((x) => {
            const xs = DateTime.fromISO(x.scheduled_start, { zone: LA }).toMillis();
            return x.provider.uuid === w.provider.uuid && xs < e && xs + duration * 60_000 > s;
          });
          expect(overlapping).toEqual([]);
        }
      }),
      { numRuns: 12, seed: Number(process.env.PROPERTY_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
    );
  }, 120_000);
});
