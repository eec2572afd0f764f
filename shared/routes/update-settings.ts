import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { Settings, UpdateSettingsBody } from '../schemas/settings.ts';

export const updateSettings = {
  method: 'PATCH',
  path: `${V1}/settings`,
  handler: 'update-settings',
  tag: 'Practice setup',
  summary: 'Change slot granularity, booking horizon or name',
  description: 'The granularity must be a multiple of `lock_granule_minutes` (fixed when the organisation was created).',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: OrgPath, body: UpdateSettingsBody },
  responses: { 200: { description: 'The settings, changed', schema: Settings } },
  errors: [404, 422],
} as const satisfies RouteSpec;
