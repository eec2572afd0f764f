/**
 * The desk's only way to the server: the public API, same origin, bearer token from the session.
 * Every non-2xx answer becomes an `ApiProblem` carrying the problem+json body, so callers can name
 * the conflict (409), the field (422) or the stale version (412). Nothing here logs: bodies hold PHI.
 */
import type { components, paths } from '../contract/api-types.ts';

export type Appointment = components['schemas']['Appointment'];
export type AppointmentStatus = Appointment['status'];
export type Patient = components['schemas']['Patient'];
export type NewPatient = components['schemas']['NewPatient'];
export type NewAppointment = components['schemas']['NewAppointment'];
export type Problem = components['schemas']['Problem'];
export type AppointmentType = components['schemas']['AppointmentTypeList']['items'][number];

/** The JSON a route answers with `status`, as the OpenAPI document (and so the route table) says. */
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number = 200> = paths[P][M] extends { responses: Record<S, { content: { 'application/json': infer T } }> } ? T : never;
type ItemOf<L> = L extends { items: readonly (infer T)[] } ? T : never;

export type Location = ItemOf<Answer<'/api/v1/{org_id}/locations', 'get'>>;
export type Operatory = ItemOf<Answer<'/api/v1/{org_id}/locations/{location_uuid}/operatories', 'get'>>;
export type Provider = ItemOf<Answer<'/api/v1/{org_id}/providers', 'get'>>;
export type WorkingHours = ItemOf<Answer<'/api/v1/{org_id}/providers/{provider_uuid}/working-hours', 'get'>>;
export type Weekday = keyof WorkingHours['weekly'];
export type Interval = WorkingHours['weekly'][Weekday][number];
export type TimeOff = ItemOf<Answer<'/api/v1/{org_id}/time-off', 'get'>>;
export type AffectedAppointment = TimeOff['affected_appointments'][number];
export type Opening = ItemOf<Answer<'/api/v1/{org_id}/schedule/availability', 'get'>>;
export type Whoami = Answer<'/api/v1/whoami', 'get'>;
export interface Page<T> { items: T[]; total: number }

export class ApiProblem extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title);
    this.status = status;
    this.problem = problem;
  }
  /** The first field the API names (`body.scheduled_start` → `scheduled_start`). */
  get field(): string | undefined {
    const path = this.problem.errors?.[0]?.path;
    return path?.replace(/^(body|query|path)\./, '');
  }
}

/** A value with the ETag it was read or written with, for the next If-Match. */
export interface Versioned<T> { value: T; etag: string | null }

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

export class Api {
  constructor(readonly token: string, readonly orgId: string) {}

  static async whoami(token: string): Promise<Whoami> {
    return (await request<Whoami>(token, 'GET', '/api/v1/whoami')).value;
  }

  private org(path: string): string {
    return `/api/v1/${encodeURIComponent(this.orgId)}${path}`;
  }

  async locations(): Promise<Location[]> {
    return (await this.all<Location>('/locations')).items;
  }
  async operatories(location: string): Promise<Operatory[]> {
    return (await this.all<Operatory>(`/locations/${location}/operatories`)).items;
  }
  async providers(): Promise<Provider[]> {
    return (await this.all<Provider>('/providers?is_active=true')).items;
  }
  async appointmentTypes(): Promise<AppointmentType[]> {
    return (await this.all<AppointmentType>('/appointment-types?is_active=true')).items;
  }
  async workingHours(provider: string): Promise<WorkingHours[]> {
    return (await this.all<WorkingHours>(`/providers/${provider}/working-hours`)).items;
  }
  /** Time off of these providers and chairs between two local dates (the route takes one of them per call). */
  async timeOff(resources: { provider_uuid?: string; operatory_uuid?: string; location_uuid?: string }[], from: string, to: string): Promise<TimeOff[]> {
    const pages = await Promise.all(resources.map((r) => this.all<TimeOff>(`/time-off?${qs({ ...r, date_from: from, date_to: to })}`)));
    const byId = new Map<string, TimeOff>();
    for (const t of pages.flatMap((p) => p.items)) byId.set(t.uuid, t);
    return [...byId.values()];
  }
  async createTimeOff(body: { provider_uuid?: string; operatory_uuid?: string; location_uuid: string; start: string; end: string; reason: string | null }): Promise<TimeOff> {
    return (await request<TimeOff>(this.token, 'POST', this.org('/time-off'), body, { 'Idempotency-Key': newIdempotencyKey() })).value;
  }

  /** Every appointment of a location between two local dates (inclusive), all pages. */
  async appointments(location: string, from: string, to: string): Promise<Appointment[]> {
    const out: Appointment[] = [];
    for (let page = 1; page < 50; page++) {
      const { value } = await request<{ items: Appointment[]; total: number }>(this.token, 'GET',
        this.org(`/appointments?${qs({ location_uuid: location, date_from: from, date_to: to, page: String(page), page_size: '100' })}`));
      out.push(...value.items);
      if (value.items.length === 0 || out.length >= value.total) break;
    }
    return out;
  }
  async patientAppointments(patient: string): Promise<Appointment[]> {
    return (await request<{ items: Appointment[] }>(this.token, 'GET', this.org(`/patients/${patient}/appointments?page_size=50`))).value.items;
  }
  getAppointment(uuid: string): Promise<Versioned<Appointment>> {
    return request<Appointment>(this.token, 'GET', this.org(`/appointments/${uuid}`));
  }
  book(body: NewAppointment, idempotencyKey: string): Promise<Versioned<Appointment>> {
    return request<Appointment>(this.token, 'POST', this.org('/appointments'), body, { 'Idempotency-Key': idempotencyKey });
  }
  move(uuid: string, etag: string | null, body: { scheduled_start?: string; scheduled_end?: string; operatory_uuid?: string; provider_uuid?: string }): Promise<Versioned<Appointment>> {
    return request<Appointment>(this.token, 'PATCH', this.org(`/appointments/${uuid}`), body, ifMatch(etag));
  }
  setStatus(uuid: string, etag: string | null, status: AppointmentStatus, reason: string | null): Promise<Versioned<Appointment>> {
    return request<Appointment>(this.token, 'PATCH', this.org(`/appointments/${uuid}/status`), { status, reason }, ifMatch(etag));
  }
  availability(location: string, type: string, from: string, to: string, provider?: string): Promise<{ items: Opening[] }> {
    const query: Record<string, string> = { location_uuid: location, appointment_type_uuid: type, date_from: from, date_to: to };
    if (provider) query.provider_uuid = provider;
    return request<{ items: Opening[] }>(this.token, 'GET', this.org(`/schedule/availability?${qs(query)}`)).then((r) => r.value);
  }
  async searchPatients(query: string): Promise<Patient[]> {
    return (await request<{ items: Patient[] }>(this.token, 'GET', this.org(`/patients?${qs({ query, page: '1', page_size: '8' })}`))).value.items;
  }
  getPatient(uuid: string): Promise<Versioned<Patient>> {
    return request<Patient>(this.token, 'GET', this.org(`/patients/${uuid}`));
  }
  createPatient(body: NewPatient, idempotencyKey: string): Promise<Versioned<Patient>> {
    return request<Patient>(this.token, 'POST', this.org('/patients'), body, { 'Idempotency-Key': idempotencyKey });
  }
  updatePatient(uuid: string, etag: string | null, body: Partial<NewPatient>): Promise<Versioned<Patient>> {
    return request<Patient>(this.token, 'PATCH', this.org(`/patients/${uuid}`), body, ifMatch(etag));
  }

  private async all<T>(path: string): Promise<Page<T>> {
    return (await request<Page<T>>(this.token, 'GET', this.org(path))).value;
  }
}

function ifMatch(etag: string | null): Record<string, string> {
  return etag ? { 'If-Match': etag } : {};
}

function qs(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

async function request<T>(token: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Versioned<T>> {
  const init: RequestInit = {
    method,
    headers: { Accept: 'application/json', Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiProblem(0, { type: 'about:blank', title: 'No connection', status: 0, detail: 'The server could not be reached. Check the connection and try again.' });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a proxy's error page): the status alone speaks.
  }
  if (!response.ok) {
    const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as Partial<Problem>;
    throw new ApiProblem(response.status, {
      type: problem.type ?? 'about:blank',
      title: problem.title ?? `HTTP ${response.status}`,
      status: response.status,
      detail: problem.detail ?? problem.title ?? `The server answered ${response.status}.`,
      ...(problem.errors ? { errors: problem.errors } : {}),
      ...(problem.conflicts ? { conflicts: problem.conflicts } : {}),
    });
  }
  return { value: parsed as T, etag: response.headers.get('ETag') };
}
