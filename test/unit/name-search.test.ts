import { describe, expect, it } from 'vitest';
import { indexWord, matchesAllWords, nameTokens, queryWords, sortName } from '#shared/domain/name-search.ts';
import { markersOf, normaliseEmail, normalisePhone, phoneLookup } from '#shared/domain/patient-search.ts';

describe('name normalisation', () => {
  it('folds case and accents and drops apostrophes', () => {
    expect(nameTokens('José', "O'Brien")).toEqual(['jose', 'obrien']);
    expect(nameTokens('ZOË', 'Ångström')).toEqual(['zoe', 'angstrom']);
  });

  it('keeps the parts and the whole of multi-part names', () => {
    expect(nameTokens('Mary Ann', 'Smith-Jones')).toEqual(['mary', 'ann', 'maryann', 'smith', 'jones', 'smithjones']);
  });

  it('normalises queries the same way', () => {
    expect(queryWords("  JAN   o'bri ")).toEqual(['jan', 'obri']);
    expect(queryWords('---')).toEqual([]);
  });
});

describe('matching', () => {
  const jane = nameTokens('Jane', 'Smith');
  const jonathan = nameTokens('Jonathan', 'Smith');

  it('matches a prefix of first or last name, case-insensitively', () => {
    expect(matchesAllWords(queryWords('smi'), jane)).toBe(true);
    expect(matchesAllWords(queryWords('JA'), jane)).toBe(true);
    expect(matchesAllWords(queryWords('mith'), jane)).toBe(false);
  });

  it('narrows with several words across both names: "jan smi" is Jane, not Jonathan', () => {
    expect(matchesAllWords(queryWords('jan smi'), jane)).toBe(true);
    expect(matchesAllWords(queryWords('jan smi'), jonathan)).toBe(false);
    expect(matchesAllWords(queryWords('smith jo'), jonathan)).toBe(true);
  });

  it('looks up the longest word in the index', () => {
    expect(indexWord(['jan', 'smit'])).toBe('smit');
    expect(indexWord([])).toBeUndefined();
  });

  it('sorts by last name, then first name', () => {
    const names = [sortName('Jonathan', 'Smith'), sortName('Zed', 'Adams'), sortName('Jane', 'Smith')];
    expect([...names].sort()).toEqual([sortName('Zed', 'Adams'), sortName('Jane', 'Smith'), sortName('Jonathan', 'Smith')]);
  });
});

describe('patient lookups and duplicate markers', () => {
  const base = { first_name: 'Jane', last_name: 'Smith', date_of_birth: '1986-04-12', primary_phone: null, email: null };

  it('phones compare on their digits, an 11-digit number dropping its leading 1', () => {
    for (const phone of ['+1-415-555-0148', '(415) 555-0148', '4155550148', '1 415 555 0148']) expect(normalisePhone(phone), phone).toBe('4155550148');
    expect(normalisePhone('+44 20 7946 0958')).toBe('442079460958');
    expect(phoneLookup('(415) 555-0148')).toEqual(phoneLookup('+1-415-555-0148'));
    expect(phoneLookup('415-555-0149')).not.toEqual(phoneLookup('415-555-0148'));
  });

  it('emails compare whole, ignoring case and surrounding space', () => {
    expect(normaliseEmail(' Jane.Smith@Example.COM ')).toBe('jane.smith@example.com');
  });

  it('markers: same birthday and name (folded), phone or email; another birthday shares none', () => {
    const jane = markersOf({ ...base, primary_phone: '+1-415-555-0148', email: 'jane@example.com' });
    expect(jane.map((m) => m.kind)).toEqual(['name', 'phone', 'email']);
    expect(markersOf({ ...base, first_name: 'JANÉ', last_name: ' smith' })[0]).toEqual(jane[0]);
    const sibling = markersOf({ ...base, first_name: 'Jill', date_of_birth: '2015-02-02', primary_phone: '4155550148', email: 'JANE@example.com' });
    expect(sibling.filter((m) => jane.some((j) => j.hash === m.hash))).toEqual([]);
    const sameDay = markersOf({ ...base, first_name: 'Jill', primary_phone: '(415) 555-0148' });
    expect(sameDay.filter((m) => jane.some((j) => j.hash === m.hash)).map((m) => m.kind)).toEqual(['phone']);
  });
});
