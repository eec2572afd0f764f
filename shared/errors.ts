/**
 * Typed errors the domain throws; the HTTP layer turns each into an RFC 9457 problem+json answer.
 * No handler builds an error body by hand, and nothing here carries patient data: details name
 * fields and ids, never values a patient gave us.
 */
export type FieldError = { path: string; message: string };

export type Conflict = {
  /** Which kind of resource is already booked in the window. */
  resource: 'provider' | 'operatory';
  resource_uuid: string;
  /** The appointment that holds it. */
  appointment_uuid: string;
  /** First taken granule (UTC). */
  slot_start: string;
};

/** Every problem type the API answers with. `type` is a stable URN; README documents each. */
export const PROBLEM_TYPES = {
  'invalid-request': { status: 400, title: 'The request is not valid' },
  'malformed-json': { status: 400, title: 'The request body is not valid JSON' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'slot-conflict': { status: 409, title: 'The time window is already booked' },
  'status-conflict': { status: 409, title: 'The appointment is not in a status that allows this' },
  'precondition-failed': { status: 412, title: 'The resource has changed' },
  'idempotency-key-reused': { status: 422, title: 'The Idempotency-Key was used for another request' },
  'unprocessable': { status: 422, title: 'The request cannot be carried out' },
  'unavailable': { status: 503, title: 'Temporarily unavailable' },
  'internal': { status: 500, title: 'Internal error' },
  duplicate: { status: 409, title: 'The value is already taken' },
  'has-appointments': { status: 409, title: 'The resource has future appointments' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'possible-duplicate': { status: 409, title: 'The patient may already exist' },
  'state-conflict': { status: 409, title: 'The resource is not in a state that allows this' },
} as const;

export type ProblemType = keyof typeof PROBLEM_TYPES;

export const problemTypeUri = (type: ProblemType) => `urn:problem-type:dental-booking:${type}`;

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly type: ProblemType,
    readonly detail: string,
    readonly extensions: { errors?: FieldError[]; conflicts?: Conflict[]; current_status?: string; requested_status?: string; existing_patient_uuid?: string } = {},
  ) {
    super(detail);
    this.name = 'ApiError';
    this.status = PROBLEM_TYPES[type].status;
    this.title = PROBLEM_TYPES[type].title;
  }
}

export const invalidRequest = (errors: FieldError[], detail = 'One or more fields are invalid.') =>
  new ApiError('invalid-request', detail, { errors });
export const notFound = (detail: string) => new ApiError('not-found', detail);
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new ApiError('unprocessable', detail, errors ? { errors } : {});
export const slotConflict = (conflicts: Conflict[]) =>
  new ApiError(
    'slot-conflict',
    conflicts
      .map((c) => `The ${c.resource} ${c.resource_uuid} is already booked by appointment ${c.appointment_uuid} at ${c.slot_start}.`)
      .join(' ') || 'No operatory of the location is free for the whole window.',
    { conflicts },
  );

/** Deactivating a provider or operatory that future live appointments still use: each is named. */
export const hasAppointments = (resource: Conflict['resource'], conflicts: Conflict[]) =>
  new ApiError(
    'has-appointments',
    `The ${resource} has ${conflicts.length} future appointment${conflicts.length === 1 ? '' : 's'}; move or cancel ${conflicts.length === 1 ? 'it' : 'them'} first.`,
    { conflicts },
  );

/** A body over the API's size limit: refused before it is parsed (by the local gateway, before it is read to the end). */
export const payloadTooLarge = (maxBytes: number) =>
  new ApiError('payload-too-large', `The request body is larger than ${maxBytes / 1024} KiB.`, {
    errors: [{ path: 'body', message: `must be at most ${maxBytes} bytes` }],
  });

/**
 * A patient with the same date of birth and the same name, phone or email exists: names it, and
 * never repeats what was sent.
 */
export const possibleDuplicate = (existingPatientId: string, matched: 'name' | 'phone' | 'email') =>
  new ApiError(
    'possible-duplicate',
    `Patient ${existingPatientId} has the same date of birth and the same ${matched === 'name' ? 'first and last name' : matched}. Use that record, or send allow_duplicate: true to go ahead anyway.`,
    { existing_patient_uuid: existingPatientId },
  );
