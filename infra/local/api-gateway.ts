/**
 * A local stand-in for API Gateway (HTTP API, payload format 2.0): matches a request against the
 * route table, runs the same Lambda authorizer, builds the event the deployed function would get,
 * calls the same handler module and writes its result back.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { APIGatewayProxyStructuredResultV2, APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import { routeList, authorizerFunction, pathParameterNames, type RouteSpec } from '#shared/routes.ts';
import { ApiError } from '#shared/errors.ts';
import { problemResult } from '#shared/http/problem.ts';
import type { ApiEvent } from '#shared/http/handler.ts';

const FUNCTIONS_DIR = join(import.meta.dirname, '..', '..', 'functions');
/** API Gateway's own payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

type Matcher = { route: RouteSpec; pattern: RegExp; names: string[] };

const matchers: Matcher[] = routeList.map((route) => ({
  route,
  names: pathParameterNames(route.path),
  pattern: new RegExp(`^${route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[a-z_]+\\?\}/g, '([^/]+)')}$`),
}));

type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;
const modules = new Map<string, Promise<{ handler: LambdaHandler<unknown, unknown> }>>();

function load(name: string) {
  let mod = modules.get(name);
  if (!mod) {
    mod = import(pathToFileURL(join(FUNCTIONS_DIR, `${name}.ts`)).href);
    modules.set(name, mod);
  }
  return mod;
}

function lambdaContext(functionName: string, requestId: string): Context {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function singleValued(raw: IncomingMessage['headers']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

/** API Gateway v2 joins repeated query parameters with commas. */
function queryParameters(search: URLSearchParams): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const key of new Set(search.keys())) out[key] = search.getAll(key).join(',');
  return Object.keys(out).length > 0 ? out : undefined;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) throw new ApiError('invalid-request', 'The request body exceeds 10 MB.');
    chunks.push(chunk as Buffer);
  }
  return chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2) {
  res.statusCode = result.statusCode ?? 200;
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
  res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''));
}

async function dispatch(req: IncomingMessage): Promise<APIGatewayProxyStructuredResultV2> {
  const requestId = randomUUID();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = (req.method ?? 'GET').toUpperCase();
  const pathMatches = matchers
    .map((m) => ({ m, match: m.pattern.exec(url.pathname) }))
    .filter((x): x is { m: Matcher; match: RegExpExecArray } => x.match !== null);
  const hit = pathMatches.find((x) => x.m.route.method === method);
  if (!hit) {
    if (pathMatches.length > 0) {
      const result = problemResult(new ApiError('method-not-allowed', `${method} is not supported here.`), requestId);
      return { ...result, headers: { ...result.headers, allow: pathMatches.map((x) => x.m.route.method).join(', ') } };
    }
    return problemResult(new ApiError('not-found', 'No route matches this path.'), requestId);
  }
  const { m, match } = hit;
  // Like API Gateway, a segment that does not decode (`%C0%AF`) is passed on as it came; the
  // handler's validation answers it.
  const decode = (segment: string) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  };
  const pathParameters = Object.fromEntries(m.names.map((name, i) => [name, decode(match[i + 1] ?? '')]));
  // API Gateway adds these; the OpenAPI document uses them to name its server.
  const headers: Record<string, string> = { 'x-forwarded-proto': 'http', ...singleValued(req.headers) };
  const body = await readBody(req);
  const now = new Date();
  const routeKey = `${m.route.method} ${m.route.path}`;
  const requestContext = {
    accountId: '000000000000',
    apiId: 'local',
    domainName: headers.host ?? 'localhost',
    domainPrefix: 'local',
    http: { method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
    requestId,
    routeKey,
    stage: '$default',
    time: now.toUTCString(),
    timeEpoch: now.getTime(),
  };
  const base = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: queryParameters(url.searchParams),
    pathParameters,
  };

  const verdict = m.route.scope === 'public' ? { isAuthorized: true, context: undefined } : await authorize(base, requestContext, method, url.pathname, headers, requestId);
  if (!verdict.isAuthorized) return problemResult(new ApiError('forbidden', 'The authorizer denied the request.'), requestId);

  const event = {
    ...base,
    isBase64Encoded: false,
    body,
    requestContext: { ...requestContext, ...(verdict.context ? { authorizer: { lambda: verdict.context } } : {}) },
  } as unknown as ApiEvent;
  const handler = (await load(m.route.handler)).handler as LambdaHandler<ApiEvent, APIGatewayProxyStructuredResultV2>;
  return handler(event, lambdaContext(m.route.handler, requestId));
}

/** Runs the same Lambda authorizer API Gateway would run, with the event it would send. */
async function authorize(
  base: Record<string, unknown>,
  requestContext: Record<string, unknown>,
  method: string,
  path: string,
  headers: Record<string, string>,
  requestId: string,
) {
  const authorizer = (await load(authorizerFunction.handler)).handler as LambdaHandler<
    APIGatewayRequestAuthorizerEventV2,
    { isAuthorized: boolean; context?: Record<string, unknown> }
  >;
  return authorizer(
    {
      ...base,
      type: 'REQUEST',
      routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${method}${path}`,
      identitySource: headers.authorization ? [headers.authorization] : [],
      cookies: [],
      stageVariables: {},
      requestContext,
    } as unknown as APIGatewayRequestAuthorizerEventV2,
    lambdaContext('authorizer', requestId),
  );
}

export function createLocalApi(): Server {
  return createServer((req, res) => {
    dispatch(req)
      .then((result) => send(res, result))
      .catch((error: unknown) => {
        const known = error instanceof ApiError ? error : new ApiError('internal', 'The local gateway failed to run the function.');
        if (!(error instanceof ApiError)) console.error(JSON.stringify({ level: 'ERROR', message: 'local gateway error', error: (error as Error)?.name }));
        send(res, problemResult(known));
      });
  });
}

export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server has no port');
  return address.port;
}
