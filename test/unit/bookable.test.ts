import { describe, expect, it } from 'vitest';
import { examinerFits, firstHeld, freeOfTimeOff, resourceFree, withinWorkingHours } from '#shared/domain/bookable.ts';

const M = 60_000;
const at = (minutes: number) => Date.UTC(2026, 4, 19, 15) + minutes * M;
const w = (from: number, to: number) => ({ start: at(from), end: at(to) });

describe('the bookable rule (booking and availability share it)', () => {
  it('0: a type that requires an exam only with a provider who can examine', () => {
    expect(examinerFits({ requires_exam: true }, { can_examine: true })).toBe(true);
    expect(examinerFits({ requires_exam: true }, { can_examine: false })).toBe(false);
    expect(examinerFits({ requires_exam: false }, { can_examine: false })).toBe(true);
    expect(examinerFits({ requires_exam: false }, { can_examine: true })).toBe(true);
  });

  it('1: the whole window inside one working interval, ends included', () => {
    expect(withinWorkingHours(w(0, 60), [w(0, 60)])).toBe(true);
    expect(withinWorkingHours(w(0, 60), [w(0, 30), w(30, 60)])).toBe(false);
    expect(withinWorkingHours(w(-15, 45), [w(0, 480)])).toBe(false);
    expect(withinWorkingHours(w(0, 60), [])).toBe(false);
  });

  it('2: time off that touches the window only at an end does not block it', () => {
    expect(freeOfTimeOff(w(0, 60), [w(60, 120), w(-60, 0)])).toBe(true);
    expect(freeOfTimeOff(w(0, 60), [w(59, 61)])).toBe(false);
  });

  it('3: the first held lock granule of the window, in time order', () => {
    const holders = new Map([[at(30), 'b'], [at(45), 'c'], [at(60), 'outside']]);
    expect(firstHeld(w(0, 60), 15, (g) => holders.get(g))).toBe('b');
    expect(firstHeld(w(0, 30), 15, (g) => holders.get(g))).toBeUndefined();
    // A window that starts inside a granule touches it.
    expect(firstHeld(w(25, 29), 15, (g) => holders.get(g))).toBeUndefined();
    expect(firstHeld(w(29, 31), 15, (g) => holders.get(g))).toBe('b');
  });

  it('2 and 3 together for one resource', () => {
    expect(resourceFree(w(0, 60), 15, { timeOff: [], held: new Set() })).toBe(true);
    expect(resourceFree(w(0, 60), 15, { timeOff: [w(10, 20)], held: new Set() })).toBe(false);
    expect(resourceFree(w(0, 60), 15, { timeOff: [], held: new Set([at(45)]) })).toBe(false);
    expect(resourceFree(w(0, 60), 15, { timeOff: [], held: new Set([at(60)]) })).toBe(true);
  });
});
