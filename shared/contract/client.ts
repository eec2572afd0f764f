/**
 * A typed client of this API, from the generated OpenAPI types: paths, parameters, bodies and
 * responses are checked by the compiler, so a breaking change of the contract shows up as a type
 * error in the code that calls it (our end-to-end tests first of all).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-types.ts';

export type { paths, components, operations } from './api-types.ts';

export function createBookingClient(options: { baseUrl: string; token?: string; middleware?: Middleware[] }) {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
  });
  for (const m of options.middleware ?? []) client.use(m);
  return client;
}

export type BookingClient = ReturnType<typeof createBookingClient>;
