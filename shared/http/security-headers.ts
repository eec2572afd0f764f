import { DESK_CSP } from '../schemas/desk.ts';

/**
 * Security headers on every response. API answers are data, never pages: nothing may frame, sniff or
 * run them. The reference page gets a policy that lets it run only its own script and style.
 */
const common = {
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

export const API_SECURITY_HEADERS = { ...common, 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" } as const;

export const PAGE_SECURITY_HEADERS = {
  ...common,
  // Swagger UI: its bundle and style from this API, one inline start-up script, inline styles.
  'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
} as const;

/** The front desk page and its files: the same headers, with the page's own strict policy (shared/schemas/desk.ts). */
export const DESK_SECURITY_HEADERS = { ...common, 'content-security-policy': DESK_CSP } as const;
