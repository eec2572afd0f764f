import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { AuditPage, AuditQuery } from '../schemas/audit.ts';

export const listAudit = {
  method: 'GET',
  path: `${V1}/audit`,
  handler: 'list-audit',
  tag: 'Practice setup',
  summary: 'Who read or changed a patient record or an appointment',
  description: 'Entries for one entity (patient or appointment uuid), newest first, kept for the stage’s audit retention. Admin tokens only.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read',
  request: { params: OrgPath, query: AuditQuery },
  responses: { 200: { description: 'Audit entries, newest first', schema: AuditPage } },
  errors: [],
} as const satisfies RouteSpec;
