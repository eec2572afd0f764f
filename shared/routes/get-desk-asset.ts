import type { RouteSpec } from './spec.ts';
import { DeskAssetPath } from '../schemas/desk.ts';

export const getDeskAsset = {
  method: 'GET',
  path: '/desk/{asset}',
  handler: 'get-desk-asset',
  tag: 'API description',
  summary: 'Script and style of the front desk page',
  description: 'Names carry their content hash: cached for a year, immutable; gzip or brotli by `Accept-Encoding`.',
  scope: 'public',
  scopes: [],
  table: 'none',
  request: { params: DeskAssetPath },
  bundleBuild: 'desk',
  responses: { 200: { description: 'The file', contentTypes: ['text/javascript', 'text/css'] } },
  errors: [404],
} as const satisfies RouteSpec;
