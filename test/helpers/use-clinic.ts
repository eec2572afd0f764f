/**
 * The harness of an integration test file, in one call at its top level: the local API on a free port
 * for the file (closed after its last test) and, with `useClinic`, a fresh clinic of its own
 * (createTestClinic), a client with the clinic's all-scopes token, and the clinic's base path.
 *
 * The fields are filled in by the `beforeAll` this registers, so read them in hooks and tests, not at
 * import. Hooks the file registers after this call run after it (vitest runs `beforeAll` hooks in the
 * order they were registered), so they can use the fields:
 *
 *   const fixture = useClinic();
 *   let clinic: TestClinic;
 *   let http: Client;
 *   let base: string;
 *   beforeAll(() => ({ clinic, http, base } = fixture));
 */
import { afterAll, beforeAll } from 'vitest';
import { createTestClinic, type TestClinic } from './clinic.ts';
import { client, startLocalApi } from './local-api.ts';

export type LocalApi = Awaited<ReturnType<typeof startLocalApi>>;
export type Client = ReturnType<typeof client>;

export type ClinicFixture = {
  /** The local API (its `baseUrl`). */
  api: LocalApi;
  clinic: TestClinic;
  /** A client of the local API with the clinic's token (every scope). */
  http: Client;
  /** `/api/v1/<the clinic's org id>`. */
  base: string;
};

/** The local API for this file: `const api = useLocalApi();`, then `api.baseUrl` in tests. */
export function useLocalApi(): LocalApi {
  const api = {} as { -readonly [K in keyof LocalApi]: LocalApi[K] };
  beforeAll(async () => Object.assign(api, await startLocalApi()));
  // Unset if the beforeAll failed: that failure is the one to report.
  afterAll(() => api.close?.());
  return api;
}

/** The local API and a fresh clinic (createTestClinic with `options`) for this file. */
export function useClinic(options: Parameters<typeof createTestClinic>[0] = {}): ClinicFixture {
  const fixture = { api: useLocalApi() } as ClinicFixture;
  beforeAll(async () => {
    fixture.clinic = await createTestClinic(options);
    fixture.http = client(fixture.api.baseUrl, fixture.clinic.token);
    fixture.base = `/api/v1/${fixture.clinic.orgId}`;
  });
  return fixture;
}
