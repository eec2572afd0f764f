/**
 * Time-zone names, without luxon: the location schemas check zone names, and a schema should not put
 * luxon (and its start-up cost) into every function that bundles it.
 */

/** An IANA zone this runtime knows: exactly luxon's IANAZone.isValidZone (Intl accepts it). */
export function isValidTimeZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
    return true;
  } catch {
    return false;
  }
}
