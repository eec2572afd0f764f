import { getOpenApiDocument as route } from '#shared/routes/get-openapi-document.ts';
import { publicHandler } from '#shared/http/public-handler.ts';
import { buildOpenApiDocument } from '#shared/contract/openapi.ts';
import { PUBLIC_URL_ENV } from '#shared/http/middleware.ts';

/** Built once per server URL and kept for the life of the container. */
const documents = new Map<string, string>();

export const handler = publicHandler(route, async ({ event }) => {
  // Behind CloudFront (waf=true) the request names the API Gateway address: the stack gives the published one.
  const serverUrl = process.env[PUBLIC_URL_ENV] || `${event.headers['x-forwarded-proto'] ?? 'https'}://${event.requestContext.domainName}`;
  let body = documents.get(serverUrl);
  if (!body) {
    body = JSON.stringify(buildOpenApiDocument({ serverUrl }));
    documents.set(serverUrl, body);
  }
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }, body };
});
