import * as z from 'zod/mini';
import { Uuid, queryInt } from './common.ts';

export const AUDIT_ACTIONS = ['patient.read', 'patient.create', 'patient.update', 'appointment.create', 'appointment.update', 'appointment.status', 'appointment-note.create', 'appointment-note.read'] as const;

export const AuditQuery = z.strictObject({
  entity_uuid: Uuid.check(z.describe('A patient or appointment uuid.')),
  page: queryInt(1, 10_000, 1),
  page_size: queryInt(1, 100, 50),
});

export const AuditEntry = z.object({
  at: z.string().check(z.describe('When, UTC.')),
  token_id: z.string().check(z.describe('The API token that acted.')),
  org_id: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  entity_type: z.enum(['patient', 'appointment']),
  entity_uuid: z.string(),
  request_id: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = z.object({
  items: z.array(AuditEntry),
  page: z.number().check(z.int()),
  page_size: z.number().check(z.int()),
  total: z.number().check(z.int()),
});
