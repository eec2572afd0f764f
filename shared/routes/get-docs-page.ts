import type { RouteSpec } from './spec.ts';

export const getDocsPage = {
  method: 'GET',
  path: '/docs',
  handler: 'get-docs-page',
  tag: 'API description',
  summary: 'Human-readable API reference',
  scope: 'public',
  scopes: [],
  table: 'none',
  request: {},
  responses: { 200: { description: 'The reference page (Swagger UI)', contentTypes: ['text/html'] } },
  errors: [],
} as const satisfies RouteSpec;
