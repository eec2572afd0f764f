import type { RouteSpec } from './spec.ts';

export const getDeskPage = {
  method: 'GET',
  path: '/desk',
  handler: 'get-desk-page',
  tag: 'API description',
  summary: 'The front desk page (day book)',
  description: 'An HTML shell with no data in it: the page asks for a token and then calls this API from the same origin.',
  scope: 'public',
  scopes: [],
  table: 'none',
  request: {},
  bundleBuild: 'desk',
  responses: { 200: { description: 'The page', contentTypes: ['text/html'] } },
  errors: [],
} as const satisfies RouteSpec;
