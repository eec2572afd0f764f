import type { RouteSpec } from './spec.ts';

export const getOpenApiDocument = {
  method: 'GET',
  path: '/api/v1/openapi.json',
  handler: 'get-openapi-document',
  tag: 'API description',
  summary: 'This API as an OpenAPI 3.1 document',
  scope: 'public',
  scopes: [],
  table: 'none',
  request: {},
  responses: { 200: { description: 'The OpenAPI document', contentTypes: ['application/json'] } },
  errors: [],
} as const satisfies RouteSpec;
