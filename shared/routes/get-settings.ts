import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { Settings } from '../schemas/settings.ts';

export const getSettings = {
  method: 'GET',
  path: `${V1}/settings`,
  handler: 'get-settings',
  tag: 'Practice setup',
  summary: "The organisation's settings",
  scope: 'read',
  scopes: ['read', 'admin'],
  table: 'read',
  request: { params: OrgPath },
  responses: { 200: { description: 'The settings', schema: Settings } },
  errors: [404],
} as const satisfies RouteSpec;
