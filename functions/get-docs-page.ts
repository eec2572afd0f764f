import { pathOf } from '#shared/routes/spec.ts';
import { getDocsPage as route } from '#shared/routes/get-docs-page.ts';
import { getDocsAsset as getDocsAssetRoute } from '#shared/routes/get-docs-asset.ts';
import { getOpenApiDocument as getOpenApiDocumentRoute } from '#shared/routes/get-openapi-document.ts';
import { publicHandler } from '#shared/http/public-handler.ts';

/** Swagger UI, served from the swagger-ui-dist package by `getDocsAsset` (no CDN), reading the live document. */
const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Dental booking API — reference</title>
  <link rel="stylesheet" href="${pathOf(getDocsAssetRoute, { asset: 'swagger-ui.css' })}">
</head>
<body>
  <div id="reference"></div>
  <script src="${pathOf(getDocsAssetRoute, { asset: 'swagger-ui-bundle.js' })}"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '${getOpenApiDocumentRoute.path}', dom_id: '#reference', deepLinking: true, tryItOutEnabled: false });
  </script>
</body>
</html>
`;

export const handler = publicHandler(route, async () => ({
  statusCode: 200,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=300' },
  body: page,
}));
