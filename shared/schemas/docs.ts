import * as z from 'zod/mini';

/** The files of the reference page, served from the swagger-ui-dist package (no CDN). */
export const DOCS_ASSETS = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
} as const;

export const DocsAssetPath = z.strictObject({
  asset: z.enum(Object.keys(DOCS_ASSETS) as [keyof typeof DOCS_ASSETS, ...(keyof typeof DOCS_ASSETS)[]]),
});
