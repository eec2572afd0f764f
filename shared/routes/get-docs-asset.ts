import type { RouteSpec } from './spec.ts';
import { DOCS_ASSETS, DocsAssetPath } from '../schemas/docs.ts';

export const getDocsAsset = {
  method: 'GET',
  path: '/docs/{asset}',
  handler: 'get-docs-asset',
  tag: 'API description',
  summary: 'Script and style of the reference page',
  scope: 'public',
  scopes: [],
  table: 'none',
  request: { params: DocsAssetPath },
  bundleFiles: Object.keys(DOCS_ASSETS).map((name) => `swagger-ui-dist/${name}`),
  responses: { 200: { description: 'The file', contentTypes: [...new Set(Object.values(DOCS_ASSETS).map((t) => t.split(';')[0]!))] } },
  errors: [404],
} as const satisfies RouteSpec;
