/**
 * Name search normalisation (pure).
 *
 * Names are folded to lower-case ASCII-ish tokens: accents stripped (`José` → `jose`), apostrophes
 * dropped (`O'Brien` → `obrien`), split on anything else that is not a letter or digit, and a
 * hyphenated or multi-part name is also kept whole (`Smith-Jones` → `smith`, `jones`, `smithjones`).
 * A search matches a patient when every word of the query is a prefix of one of the patient's
 * tokens — so `jan smi` finds Jane Smith but not Jonathan Smith.
 */
const MAX_TOKENS_PER_PATIENT = 20;

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`ʼ]/g, '');
}

function wordsOf(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Tokens of one name field: its words, plus the whole field when it has several. */
function fieldTokens(name: string): string[] {
  const words = wordsOf(name);
  return words.length > 1 ? [...words, words.join('')] : words;
}

/** Every token a patient can be found by (first and last name), deduplicated and bounded. */
export function nameTokens(firstName: string, lastName: string): string[] {
  return [...new Set([...fieldTokens(firstName), ...fieldTokens(lastName)])].slice(0, MAX_TOKENS_PER_PATIENT);
}

/** The words of a search query, normalised like the names they are matched against. */
export function queryWords(query: string): string[] {
  return [...new Set(wordsOf(query))];
}

/** True when each query word is a prefix of at least one of the tokens. */
export function matchesAllWords(words: readonly string[], tokens: readonly string[]): boolean {
  return words.every((w) => tokens.some((t) => t.startsWith(w)));
}

/** The word to look up in the index: the longest is usually the most selective. */
export function indexWord(words: readonly string[]): string | undefined {
  return [...words].sort((a, b) => b.length - a.length || a.localeCompare(b))[0];
}

/** Sort form: last name, then first name, folded. */
export function sortName(firstName: string, lastName: string): string {
  return `${wordsOf(lastName).join(' ')}\u0001${wordsOf(firstName).join(' ')}`;
}
