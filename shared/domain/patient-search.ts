/**
 * Patient lookups and possible-duplicate markers (pure).
 *
 * - Phone: the digits only; eleven digits starting with 1 (the NANP country code) drop it, so
 *   `+1-415-555-0148`, `(415) 555-0148`, `1 415 555 0148` and `4155550148` are one number. Other
 *   numbers compare on all their digits (`+44 20 7946 0958` → `442079460958`).
 * - Email: trimmed and lower-cased, compared whole (no dots or `+tags` folded).
 * - Date of birth: the ISO date as is.
 * - Name (for duplicates): the folded words of last and first name (name-search.ts), so `José
 *   O'Brien` and `jose obrien` are one name.
 *
 * Index keys and markers hold a hash of these values, never the values: a key can be listed and
 * logged by tools that must not see patient data, and a hash has a fixed length and no separators.
 */
import { createHash } from 'node:crypto';
import { sortName } from './name-search.ts';

export type LookupKind = 'phone' | 'email' | 'dob';
export type Lookup = { kind: LookupKind; hash: string };

/** The fields that lookups and markers are made of. */
export type Identity = { first_name: string; last_name: string; date_of_birth: string; primary_phone: string | null; email: string | null };

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

export function normalisePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export const phoneLookup = (phone: string): Lookup => ({ kind: 'phone', hash: digest('phone', normalisePhone(phone)) });
export const emailLookup = (email: string): Lookup => ({ kind: 'email', hash: digest('email', normaliseEmail(email)) });
export const dobLookup = (date: string): Lookup => ({ kind: 'dob', hash: digest('dob', date) });

/** The lookups a patient is found by: date of birth always, phone and email when it has them. */
export function lookupsOf(p: Pick<Identity, 'date_of_birth' | 'primary_phone' | 'email'>): Lookup[] {
  return [dobLookup(p.date_of_birth), ...(p.primary_phone ? [phoneLookup(p.primary_phone)] : []), ...(p.email ? [emailLookup(p.email)] : [])];
}

export type MarkerKind = 'name' | 'phone' | 'email';
export type Marker = { kind: MarkerKind; hash: string };

/**
 * The possible-duplicate markers of a patient: date of birth with the normalised name, with the
 * phone, with the email. Two patients with one marker in common are possible duplicates; family
 * members who share a phone or an email but not a birthday share none.
 */
export function markersOf(p: Identity): Marker[] {
  const dob = p.date_of_birth;
  return [
    { kind: 'name' as const, hash: digest('dup-name', dob, sortName(p.first_name, p.last_name)) },
    ...(p.primary_phone ? [{ kind: 'phone' as const, hash: digest('dup-phone', dob, normalisePhone(p.primary_phone)) }] : []),
    ...(p.email ? [{ kind: 'email' as const, hash: digest('dup-email', dob, normaliseEmail(p.email)) }] : []),
  ];
}
