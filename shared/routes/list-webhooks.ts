import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { WebhookEndpointList } from '../schemas/webhooks.ts';

export const listWebhooks = {
  method: 'GET',
  path: `${V1}/webhooks`,
  handler: 'list-webhooks',
  tag: 'Events and webhooks',
  summary: 'The webhook endpoints',
  description: 'Every endpoint of the organisation (at most 20), oldest first. Secrets are never shown.',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read',
  request: { params: OrgPath },
  responses: { 200: { description: 'The endpoints', schema: WebhookEndpointList } },
  errors: [],
} as const satisfies RouteSpec;
