import { describe, expect, it } from 'vitest';
import { IANAZone } from 'luxon';
import { isValidTimeZone } from '#shared/time/zones.ts';

describe('isValidTimeZone (luxon-free, so schemas need no luxon)', () => {
  it('agrees with luxon on real, odd and made-up zone names', () => {
    const names = ['America/Los_Angeles', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC', 'Etc/GMT+5', 'america/los_angeles', 'Mars/Olympus_Mons', 'Europe/Paris ', '', 'GMT', 'Local', '+05:30'];
    for (const name of names) expect([name, isValidTimeZone(name)]).toEqual([name, IANAZone.isValidZone(name)]);
  });
});
