import { describe, expect, it } from 'vitest';
import { indexWord, matchesAllWords, nameTokens, queryWords, sortName } from '#shared/domain/name-search.ts';

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
