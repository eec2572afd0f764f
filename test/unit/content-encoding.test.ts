/** The encoding a stored file is sent in: the docs page's files (gzip) and the front desk's (br, gzip). */
import { describe, expect, it } from 'vitest';
import { chosenEncoding } from '#shared/http/content-encoding.ts';

describe('chosenEncoding', () => {
  it('takes the first offered encoding the client accepts', () => {
    expect(chosenEncoding('gzip, deflate, br', ['br', 'gzip'])).toBe('br');
    expect(chosenEncoding('gzip, deflate, br', ['gzip'])).toBe('gzip');
    expect(chosenEncoding('gzip', ['br', 'gzip'])).toBe('gzip');
  });

  it('honours q=0 and *, and falls back to identity', () => {
    expect(chosenEncoding('br;q=0, gzip;q=0.5', ['br', 'gzip'])).toBe('gzip');
    expect(chosenEncoding('gzip;q=0', ['gzip'])).toBe('identity');
    expect(chosenEncoding('*', ['br', 'gzip'])).toBe('br');
    expect(chosenEncoding('*, br;q=0', ['br', 'gzip'])).toBe('gzip');
    expect(chosenEncoding('identity', ['br', 'gzip'])).toBe('identity');
    expect(chosenEncoding(undefined, ['gzip'])).toBe('identity');
    expect(chosenEncoding('', ['gzip'])).toBe('identity');
  });
});
