import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { ListProvidersQuery, ProviderList } from '../schemas/providers.ts';

export const listProviders = {
  method: 'GET',
  path: `${V1}/providers`,
  handler: 'list-providers',
  tag: 'Practice setup',
  summary: 'List providers',
  scope: 'read',
  scopes: ['read', 'admin'],
  table: 'read',
  request: { params: OrgPath, query: ListProvidersQuery },
  responses: { 200: { description: 'The providers, by last name', schema: ProviderList } },
  errors: [],
} as const satisfies RouteSpec;
