/**
 * Checks a response against the OpenAPI document: the route must exist, the status must be one the
 * document lists for it, and a JSON body must match that status's schema. Every response the
 * integration and end-to-end tests receive goes through here, so an undocumented status or field
 * fails the test that saw it.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { buildOpenApiDocument } from '#shared/contract/openapi.ts';
import { routeList } from '#shared/routes.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const document = buildOpenApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document as object, 'openapi');

const matchers = routeList.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{[a-z_]+\}/g, '[^/]+')}$`),
}));

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export function assertMatchesContract(method: string, url: string, status: number, contentType: string | null, body: unknown): void {
  const path = new URL(url, 'http://x').pathname;
  const hit = matchers.find((m) => m.route.method === method.toUpperCase() && m.pattern.test(path));
  if (!hit) throw new Error(`contract: no route of the document matches ${method} ${path}`);
  const operation = (document.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>)[hit.route.path]![
    hit.route.method.toLowerCase()
  ]!;
  const response = operation.responses[String(status)];
  if (!response) throw new Error(`contract: ${hit.route.name} does not document status ${status} (documented: ${Object.keys(operation.responses).join(', ')})`);
  const mediaType = (contentType ?? '').split(';')[0]!.trim();
  const content = response.content ?? {};
  if (Object.keys(content).length === 0) {
    if (body !== '' && body !== undefined) throw new Error(`contract: ${hit.route.name} ${status} documents no body, got one`);
    return;
  }
  if (!(mediaType in content)) throw new Error(`contract: ${hit.route.name} ${status} documents ${Object.keys(content).join(', ')}, got ${mediaType}`);
  if (!mediaType.endsWith('json') || !(content[mediaType] as { schema?: unknown }).schema) return;
  const ref = `openapi#/${pointer('paths', hit.route.path, hit.route.method.toLowerCase(), 'responses', String(status), 'content', mediaType, 'schema')}`;
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  if (!validate(body)) {
    throw new Error(`contract: ${hit.route.name} ${status} body does not match the document: ${ajv.errorsText(validate.errors)}`);
  }
}

/** openapi-fetch middleware: every response the typed client receives is checked against the document. */
export const contractMiddleware = {
  async onResponse({ request, response }: { request: Request; response: Response }) {
    const text = await response.clone().text();
    const type = response.headers.get('content-type');
    assertMatchesContract(request.method, request.url, response.status, type, type?.includes('json') && text ? JSON.parse(text) : text);
    return undefined;
  },
};
