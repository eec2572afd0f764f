import { V1, type RouteSpec } from './spec.ts';
import { OrgPath } from '../schemas/common.ts';
import { CreateProviderBody, Provider } from '../schemas/providers.ts';

export const createProvider = {
  method: 'POST',
  path: `${V1}/providers`,
  handler: 'create-provider',
  tag: 'Practice setup',
  summary: 'Create a provider',
  scope: 'admin',
  scopes: ['admin'],
  table: 'read-write',
  request: { params: OrgPath, body: CreateProviderBody },
  responses: { 201: { description: 'The provider', schema: Provider, headers: { Location: 'Its URL' } } },
  errors: [],
} as const satisfies RouteSpec;
