import { V1, type RouteSpec } from './spec.ts';
import { Provider, ProviderPath } from '../schemas/providers.ts';

export const getProvider = {
  method: 'GET',
  path: `${V1}/providers/{provider_uuid}`,
  handler: 'get-provider',
  tag: 'Practice setup',
  summary: 'Read a provider',
  scope: 'read',
  scopes: ['read', 'admin'],
  table: 'read',
  request: { params: ProviderPath },
  responses: { 200: { description: 'The provider', schema: Provider } },
  errors: [404],
} as const satisfies RouteSpec;
